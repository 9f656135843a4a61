import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sleep } from "./clock.ts";
import { header } from "./pipeline.ts";

/**
 * An OAuth2 token endpoint (RFC 6749 §4.4, client credentials, plus any grant a vendor adds). The kit
 * reads the form and HTTP Basic credentials, checks grant_type and client_id, and dispatches; the
 * vendor resolves what the path names (a tenant), issues tokens and renders its own errors. Vendors
 * without an error dialect of their own use `rfc6749` below.
 */

export class OAuthError extends Error {
  constructor(
    readonly status: number,
    /** RFC 6749 §5.2 code: invalid_request, invalid_client, unsupported_grant_type … */
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }
}

export type TokenForm = Record<string, string>;

export interface TokenEndpoint<Scope, E extends OAuthError> {
  url: string;
  delayMs(): number;
  /** What the path names, resolved before the form is read (a tenant); throws the vendor's error. */
  scope(req: FastifyRequest): Scope;
  grants: Record<string, (form: TokenForm, scope: Scope, req: FastifyRequest) => unknown>;
  errors: { missingParameter(name: string): E; unsupportedGrant(grant: string): E };
  isError(error: unknown): error is E;
  render(reply: FastifyReply, req: FastifyRequest, error: E): FastifyReply;
  /** Sends a successful token body with the vendor's headers. */
  send(reply: FastifyReply, req: FastifyRequest, body: unknown): FastifyReply;
}

/** The form fields as strings, with HTTP Basic client credentials merged in (RFC 6749 §2.3.1). */
export function tokenForm(req: FastifyRequest): TokenForm {
  const body = req.body;
  const form: TokenForm =
    typeof body === "object" && body !== null
      ? Object.fromEntries(
          Object.entries(body).filter((e): e is [string, string] => typeof e[1] === "string"),
        )
      : {};
  const basic = /^Basic\s+(.+)$/i.exec(header(req, "authorization") ?? "")?.[1];
  if (basic) {
    const [id, secret] = Buffer.from(basic, "base64").toString("utf8").split(":");
    form.client_id ??= decodeURIComponent(id ?? "");
    form.client_secret ??= decodeURIComponent(secret ?? "");
  }
  return form;
}

export function registerTokenEndpoint<Scope, E extends OAuthError>(
  app: FastifyInstance,
  endpoint: TokenEndpoint<Scope, E>,
): void {
  app.post(endpoint.url, async (req, reply) => {
    await sleep(endpoint.delayMs());
    try {
      const scope = endpoint.scope(req);
      const form = tokenForm(req);
      const grant = form.grant_type;
      if (!grant) throw endpoint.errors.missingParameter("grant_type");
      const issue = Object.hasOwn(endpoint.grants, grant) ? endpoint.grants[grant] : undefined;
      if (!issue) throw endpoint.errors.unsupportedGrant(grant);
      if (!form.client_id) throw endpoint.errors.missingParameter("client_id");
      return endpoint.send(reply, req, await issue(form, scope, req));
    } catch (error) {
      if (!endpoint.isError(error)) throw error;
      return endpoint.render(reply, req, error);
    }
  });
}

/** Plain RFC 6749 errors and rendering, for vendors whose token endpoint has no dialect of its own. */
export const rfc6749 = {
  errors: {
    missingParameter: (name: string) =>
      new OAuthError(400, "invalid_request", `The request is missing the '${name}' parameter.`),
    unsupportedGrant: (grant: string) =>
      new OAuthError(400, "unsupported_grant_type", `The grant type '${grant}' is not supported.`),
    invalidClient: () => new OAuthError(401, "invalid_client", "Client authentication failed."),
  },
  isError: (error: unknown): error is OAuthError => error instanceof OAuthError,
  render(reply: FastifyReply, _req: FastifyRequest, error: OAuthError): FastifyReply {
    if (error.status === 401) reply.header("www-authenticate", "Basic");
    return reply
      .code(error.status)
      .header("content-type", "application/json; charset=utf-8")
      .header("cache-control", "no-store")
      .send(JSON.stringify({ error: error.error, error_description: error.description }));
  },
  send(reply: FastifyReply, _req: FastifyRequest, body: unknown): FastifyReply {
    return reply
      .code(200)
      .header("content-type", "application/json; charset=utf-8")
      .header("cache-control", "no-store")
      .send(JSON.stringify(body));
  },
};

/** A client-credentials grant over a client table, for vendors whose tokens carry nothing special. */
export function clientCredentialsGrant<Scope, Client extends { secret: string }>(opts: {
  findClient(clientId: string, scope: Scope): Client | undefined;
  mint(client: Client, scope: Scope, form: TokenForm): { accessToken: string; expiresIn: number };
}): (form: TokenForm, scope: Scope) => unknown {
  return (form, scope) => {
    const client = opts.findClient(form.client_id ?? "", scope);
    if (!client || client.secret !== form.client_secret) throw rfc6749.errors.invalidClient();
    const { accessToken, expiresIn } = opts.mint(client, scope, form);
    return { token_type: "Bearer", access_token: accessToken, expires_in: expiresIn };
  };
}
