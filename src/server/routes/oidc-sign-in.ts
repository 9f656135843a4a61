import cookie from "@fastify/cookie";
import rateLimit from "@fastify/rate-limit";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { oidcCallbackPath, oidcSignIn, type OidcRefusal, type OidcSettings } from "../../staff/oidc/index.ts";
import type { Store } from "../../store/sql.ts";
import { ApiError, errorBody, errorResponses, type ErrorCode } from "../errors.ts";
import { escape, page } from "../html-page.ts";
import type { RouteAccess } from "../principal.ts";
import { setSessionCookie } from "../session-cookie.ts";
import { wantsHtml } from "../link-pages.ts";
import type { RoutePlugin } from "./plugin.ts";

/** The cookie binding a sign-in in progress to the browser that started it: `lco_<id>.<secret>`. */
export const oidcFlowCookieName = "lc_oidc";
// Sent back only to the callback, and gone by itself when the flow expires.
const flowCookiePath = "/auth/oidc/";
export const oidcStartPath = "/auth/oidc/start" as const;

const publicRoute = { access: { public: true } } as const satisfies { access: RouteAccess };

/** A person starts a sign-in or two, not dozens; the callback is hit once per sign-in. */
export const oidcLimits = { perAddress: { max: 30, timeWindow: 60_000 } };

const signInMethods = z
  .strictObject({
    password: z.literal(true).describe("Local accounts sign in with their address and password."),
    oidc: z
      .strictObject({ start: z.literal(oidcStartPath) })
      .nullable()
      .describe(
        "Sign-in with the MSP's identity provider: open `start` in the browser; null when not set up.",
      ),
  })
  .describe("The ways to sign in that the sign-in page offers.");

const startQuery = z.object({
  returnTo: z
    .string()
    .optional()
    .describe("A path on this server to land on once signed in; anything else lands on /."),
});

const htmlContent = { "text/html": { schema: { type: "string" } } };
const pageOrError = (codes: string) => ({
  description: codes,
  content: { ...htmlContent, "application/json": { schema: { $ref: "ErrorResponse#" } } },
});

interface Refusal {
  code: ErrorCode;
  title: string;
  message: string;
}

const noAccount: Refusal = {
  code: "LC_ERR_FORBIDDEN",
  title: "No Lifecycle account",
  message:
    "You signed in with your organisation, but that identity does not match an enabled Lifecycle staff " +
    "account. Lifecycle never creates accounts or roles from a sign-in: ask a Lifecycle administrator " +
    "to add you as staff, with the address you sign in with, then try again.",
};
const startAgain =
  "This sign-in has expired, was already used, or was not started in this browser. Start again.";

const refusals: Record<OidcRefusal, Refusal> = {
  flow: { code: "LC_ERR_VALIDATION", title: "Sign-in expired", message: startAgain },
  token: {
    code: "LC_ERR_VALIDATION",
    title: "Sign-in not verified",
    message:
      "The identity provider's answer could not be verified. Start again; if it keeps happening, the " +
      "server log says why.",
  },
  "idp-error": {
    code: "LC_ERR_FORBIDDEN",
    title: "Not signed in",
    message: "The identity provider did not sign you in",
  },
  tenant: {
    code: "LC_ERR_FORBIDDEN",
    title: "Another organisation",
    message:
      "That account belongs to another organisation's directory. Sign in with your account at the MSP.",
  },
  "no-claim": noAccount,
  unverified: noAccount,
  unknown: noAccount,
  disabled: noAccount,
  unavailable: {
    code: "LC_ERR_UNAVAILABLE",
    title: "Sign-in unavailable",
    message: "The identity provider is not answering. Try again in a minute.",
  },
};

function refusalMessage(why: OidcRefusal, idpError: string | undefined): string {
  const { message } = refusals[why];
  return why === "idp-error" ? `${message} (${idpError ?? "no reason given"}).` : message;
}

/** A browser gets a page with a way back in; anything else the error envelope. */
function sendRefusal(
  request: FastifyRequest,
  reply: FastifyReply,
  why: OidcRefusal,
  idpError?: string,
): FastifyReply {
  const { code, title } = refusals[why];
  const err = new ApiError(code, refusalMessage(why, idpError));
  reply.code(err.status).header("cache-control", "no-store");
  if (!wantsHtml(request)) return reply.send(errorBody(err));
  const body = `<p>${escape(err.message)}</p>
<p><a href="${oidcStartPath}">Sign in again</a></p>`;
  return reply.type("text/html; charset=utf-8").send(page(title, body));
}

/**
 * Sign-in with the MSP's identity provider: `start` sends the browser there, `callback` is where it comes
 * back. Both exist only when OIDC is set up; `/api/auth/methods` says whether it is, for the sign-in page.
 */
export const oidcSignInRoutes: RoutePlugin<{
  store: Store;
  now: () => Date;
  oidc?: OidcSettings | undefined;
}> = async (app, { store, now, oidc }) => {
  // The server registers the cookie plugin for its session cookie; alone (in a test), this one does.
  if (!app.hasReplyDecorator("setCookie")) await app.register(cookie);

  app.get(
    "/api/auth/methods",
    {
      config: publicRoute,
      schema: {
        summary: "The ways to sign in",
        tags: ["auth"],
        response: { 200: signInMethods, ...errorResponses() },
      },
    },
    async () => ({ password: true as const, oidc: oidc ? { start: oidcStartPath } : null }),
  );
  if (!oidc) return;

  const signIn = oidcSignIn(store, oidc, now);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        "LC_ERR_RATE_LIMITED",
        `too many sign-in attempts; try again in ${Math.ceil(context.ttl / 1000)} s`,
      ),
  });
  const limited = { 429: { $ref: "ErrorResponse#", description: "LC_ERR_RATE_LIMITED" } };

  app.get(
    oidcStartPath,
    {
      config: { ...publicRoute, rateLimit: oidcLimits.perAddress },
      schema: {
        summary: "Start signing in with the MSP's identity provider",
        description:
          "Redirects the browser to the identity provider, with a short-lived cookie binding the sign-in " +
          "to this browser (ten minutes, one use).",
        tags: ["auth"],
        querystring: startQuery,
        response: {
          302: { description: "To the identity provider's authorization endpoint." },
          503: pageOrError("LC_ERR_UNAVAILABLE"),
          ...limited,
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const started = await signIn.start({ returnTo: request.query.returnTo });
      if (started.kind === "unavailable") {
        request.log.warn({ detail: started.detail }, "OIDC sign-in cannot start");
        return sendRefusal(request, reply, "unavailable");
      }
      void reply.setCookie(oidcFlowCookieName, started.cookie, {
        path: flowCookiePath,
        httpOnly: true,
        // Lax, not Strict: the identity provider's redirect back is a navigation from another site.
        sameSite: "lax",
        secure: signIn.secure(),
        expires: started.expiresAt,
      });
      return reply.header("cache-control", "no-store").redirect(started.url.href, 302);
    },
  );

  app.get(
    oidcCallbackPath,
    {
      // The callback's address carries the authorization code: no access-log line repeats it. The outcome
      // is in the audit log, refusals in a warning of their own.
      logLevel: "warn",
      config: { ...publicRoute, rateLimit: oidcLimits.perAddress },
      schema: {
        summary: "Where the identity provider sends the browser back",
        description:
          "Checks the flow cookie and state, exchanges the code (PKCE), verifies the ID token and signs in " +
          "the existing, enabled staff account it names. Never creates an account. Every refusal ends " +
          "the flow and writes no session.",
        tags: ["auth"],
        response: {
          303: { description: "Signed in: the session cookie is set; to the page asked for, or /." },
          400: pageOrError("LC_ERR_VALIDATION"),
          403: pageOrError("LC_ERR_FORBIDDEN"),
          503: pageOrError("LC_ERR_UNAVAILABLE"),
          ...limited,
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const at = request.url.indexOf("?");
      const query = at < 0 ? "" : request.url.slice(at + 1);
      const result = await signIn.finish({ query, cookie: request.cookies[oidcFlowCookieName] });
      void reply.clearCookie(oidcFlowCookieName, {
        path: flowCookiePath,
        httpOnly: true,
        sameSite: "lax",
        secure: signIn.secure(),
      });
      if (result.kind === "refused") {
        request.log.warn({ why: result.why, detail: result.detail }, "OIDC sign-in refused");
        return sendRefusal(request, reply, result.why, result.idpError);
      }
      setSessionCookie(reply, result.session, signIn.secure());
      return reply.header("cache-control", "no-store").redirect(result.returnTo, 303);
    },
  );
};
