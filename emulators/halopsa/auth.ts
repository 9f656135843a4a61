import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { pickLatency } from "../kit/latency.ts";
import { OAuthError, registerTokenEndpoint, rfc6749 } from "../kit/oauth2.ts";
import { queryOf } from "../kit/pipeline.ts";
import type { HaloContext } from "./state.ts";

/**
 * Halo's token endpoint, `POST /auth/token[?tenant=]` (reference §1): client credentials in the form,
 * `scope=all`, answered `{ access_token, token_type: "Bearer", expires_in, scope }`. A wrong id or secret
 * (or, on a Halo-hosted instance, another tenant) is `invalid_client`, with settings.tokenErrorStatus.
 */
export function registerTokenRoute(app: FastifyInstance, ctx: HaloContext): void {
  const refused = () => new OAuthError(ctx.settings.tokenErrorStatus, "invalid_client", "invalid_client");
  registerTokenEndpoint(app, {
    url: "/auth/token",
    delayMs: () => pickLatency(ctx.settings.latency.token, ctx.random),
    scope: (req) => queryOf(req).tenant,
    grants: {
      client_credentials: (form, tenant, req) => {
        const info = ctx.requests.get(req);
        const app = ctx.data.apps.get(form.client_id ?? "");
        if (ctx.settings.tenant !== undefined && tenant !== ctx.settings.tenant) throw refused();
        if (!app || app.secret !== form.client_secret) throw refused();
        if (info) info.appId = app.clientId;
        const token = randomBytes(24).toString("base64url");
        const lifetime = ctx.settings.tokenLifetimeSeconds;
        ctx.tokens.set(token, { clientId: app.clientId, expiresAt: ctx.clock.now() + lifetime * 1000 });
        return {
          access_token: token,
          token_type: "Bearer",
          expires_in: lifetime,
          scope: form.scope || "all",
        };
      },
    },
    errors: rfc6749.errors,
    isError: rfc6749.isError,
    // IdentityServer's body carries the code only; no WWW-Authenticate on its 400.
    render: (reply, _req, error) =>
      reply
        .code(error.status)
        .header("content-type", "application/json; charset=utf-8")
        .header("cache-control", "no-store")
        .send(JSON.stringify({ error: error.error })),
    send: rfc6749.send,
  });
}
