import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { pickLatency } from "../kit/latency.ts";
import { OAuthError, registerTokenEndpoint, rfc6749 } from "../kit/oauth2.ts";
import { tokenPaths } from "./settings.ts";
import { scopes, type NinjaContext, type Scope } from "./state.ts";

/**
 * NinjaOne's token endpoint (reference §4): client credentials in the form, `scope=monitoring management`,
 * answered `{ access_token, token_type: "Bearer", expires_in, scope }`. Served at /ws/oauth/token (CIPP's)
 * and /oauth/token (other clients'), each while `settings.tokenPaths` names it. A wrong id or secret is
 * `invalid_client` with `settings.tokenErrorStatus`; asking for a scope the app lacks is `invalid_scope`.
 */
export function registerTokenRoutes(app: FastifyInstance, ctx: NinjaContext): void {
  const refused = () =>
    new OAuthError(ctx.settings.tokenErrorStatus, "invalid_client", "Client authentication failed");
  for (const path of tokenPaths)
    registerTokenEndpoint(app, {
      url: path,
      delayMs: () => pickLatency(ctx.settings.latency.token, ctx.random),
      scope: () => {
        // A path this instance does not serve is its plain 404.
        if (!ctx.settings.tokenPaths.includes(path)) throw new OAuthError(404, "not_found", "Not Found");
        return path;
      },
      grants: {
        client_credentials: (form, _path, req) => {
          const found = ctx.data.apps.get(form.client_id ?? "");
          if (!found || found.secret !== form.client_secret) throw refused();
          const info = ctx.requests.get(req);
          if (info) info.appId = found.clientId;
          const asked = (form.scope ?? "").split(/\s+/).filter(Boolean);
          const unknown = asked.filter((s) => !(scopes as readonly string[]).includes(s));
          const beyond = asked.filter((s) => !found.scopes.includes(s as Scope));
          if (unknown.length || beyond.length)
            throw new OAuthError(400, "invalid_scope", `Invalid scope: ${[...unknown, ...beyond].join(" ")}`);
          const granted = asked.length ? (asked as Scope[]) : found.scopes;
          const token = randomBytes(24).toString("base64url");
          const lifetime = ctx.settings.tokenLifetimeSeconds;
          ctx.tokens.set(token, {
            clientId: found.clientId,
            scopes: granted,
            expiresAt: ctx.clock.now() + lifetime * 1000,
          });
          return {
            access_token: token,
            token_type: "Bearer",
            expires_in: lifetime,
            scope: granted.join(" "),
          };
        },
      },
      errors: rfc6749.errors,
      isError: rfc6749.isError,
      render: rfc6749.render,
      send: rfc6749.send,
    });
}
