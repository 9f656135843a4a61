import { randomBytes, randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { pickLatency } from "../kit/latency.ts";
import { OAuthError, registerTokenEndpoint, rfc6749 } from "../kit/oauth2.ts";
import type { DattoContext } from "./state.ts";

/** Datto's fixed public OAuth client: every API user's token request authenticates as it. */
export const publicClient = { id: "public-client", secret: "public" } as const;

/**
 * `POST /auth/oauth/token` (reference §5): HTTP Basic `public-client:public`, the password grant with the
 * API key as username and the API secret as password, answered as Spring Security OAuth does
 * ({access_token, token_type: "bearer", expires_in, scope, jti}). A wrong client is 401 invalid_client;
 * a wrong key pair 400 invalid_grant "Bad credentials". Token requests do not count against the budget:
 * no source says they do.
 */
export function registerTokenRoute(app: FastifyInstance, ctx: DattoContext): void {
  registerTokenEndpoint(app, {
    url: "/auth/oauth/token",
    delayMs: () => pickLatency(ctx.settings.latency.token, ctx.random),
    scope: () => undefined,
    grants: {
      password: (form, _scope, req) => {
        if (form.client_id !== publicClient.id || form.client_secret !== publicClient.secret)
          throw new OAuthError(401, "invalid_client", "Bad client credentials");
        const key = ctx.data.apiKeys.get(form.username ?? "");
        if (!key || key.apiSecret !== form.password)
          throw new OAuthError(400, "invalid_grant", "Bad credentials");
        const info = ctx.requests.get(req);
        if (info) info.appId = key.apiKey;
        const token = randomBytes(32).toString("base64url");
        const lifetime = ctx.settings.tokenLifetimeSeconds;
        ctx.tokens.set(token, { apiKey: key.apiKey, expiresAt: ctx.clock.now() + lifetime * 1000 });
        return {
          access_token: token,
          token_type: "bearer",
          expires_in: lifetime,
          scope: "default",
          jti: randomUUID(),
        };
      },
    },
    errors: {
      missingParameter: (name) => new OAuthError(400, "invalid_request", `Missing ${name}`),
      unsupportedGrant: (grant) =>
        new OAuthError(400, "unsupported_grant_type", `Unsupported grant type: ${grant}`),
    },
    isError: rfc6749.isError,
    render: (reply, _req, error) => {
      if (error.status === 401) reply.header("www-authenticate", 'Basic realm="oauth2/client"');
      return reply
        .code(error.status)
        .header("content-type", "application/json;charset=UTF-8")
        .header("cache-control", "no-store")
        .send(JSON.stringify({ error: error.error, error_description: error.description }));
    },
    send: rfc6749.send,
  });
}
