import cookie from "@fastify/cookie";
import csrf from "@fastify/csrf-protection";
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestAsyncHookHandler,
  preHandlerHookHandler,
} from "fastify";
import { inScope, roleAllows, type Principal } from "../domain/staff-roles.ts";
import { sessionPrincipal, tokenPrincipal } from "../staff/index.ts";
import type { Store } from "../store/sql.ts";
import { ApiError } from "./errors.ts";
import type { RouteAccess } from "./principal.ts";
import { sessionCookieName } from "./session-cookie.ts";

export interface StaffAuthOptions {
  store: Store;
  now: () => Date;
  /** Binds CSRF tokens to their session; derived from the master key, so a restart keeps them valid. */
  csrfKey: Buffer;
  /** Cookies carry Secure: the server is reached over https. */
  secureCookies: boolean;
}

const mutating = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const isApiPath = (url: string) => url === "/api" || url.startsWith("/api/") || url.startsWith("/api?");

/** The proof a request carries: a bearer token (automation, the CLI) or the session cookie (the console). */
export async function resolvePrincipal(
  store: Store,
  request: FastifyRequest,
  now: Date,
): Promise<Principal | undefined> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    const principal = match?.[1] ? await tokenPrincipal(store, match[1], now) : undefined;
    if (!principal) {
      throw new ApiError(
        "LC_ERR_UNAUTHENTICATED",
        "the bearer token is not valid: it is unknown, revoked or expired",
      );
    }
    return principal;
  }
  // Absent where the router failed before the cookie plugin ran (frameworkErrors).
  const cookies = request.cookies as Record<string, string | undefined> | undefined;
  const session = cookies?.[sessionCookieName];
  return session ? sessionPrincipal(store, session, now) : undefined;
}

function unauthenticated(reply: FastifyReply): ApiError {
  reply.header("www-authenticate", 'Bearer realm="lifecycle"');
  return new ApiError(
    "LC_ERR_UNAUTHENTICATED",
    "sign in, or send an Authorization: Bearer <token> header (lifecycle tokens create)",
  );
}

/**
 * Who is asking, before anything else is read: every route but the public ones needs a principal whose
 * role grants the route's permission. An /api path no route serves is authenticated too, so a caller
 * without a token learns nothing of which paths exist.
 */
export function authenticate(opts: StaffAuthOptions): onRequestAsyncHookHandler {
  return async function (request, reply) {
    // No route options where the router itself failed (frameworkErrors): an /api path is authenticated.
    const access = (request.routeOptions as Partial<typeof request.routeOptions> | undefined)?.config?.access;
    if (access && "public" in access) return;
    if (!access && !isApiPath(request.url)) return;
    const principal = await resolvePrincipal(opts.store, request, opts.now());
    if (!principal) throw unauthenticated(reply);
    request.principal = principal;
    if (access && !roleAllows(principal.role, access.permission)) {
      throw new ApiError(
        "LC_ERR_FORBIDDEN",
        `the ${principal.role} role may not do this (it needs the "${access.permission}" permission)`,
      );
    }
  };
}

/**
 * After validation, so a route's client is read from its checked params or body: a principal limited to
 * some clients is refused everything of another.
 */
const clientScope: preHandlerHookHandler = async function (request) {
  const access = request.routeOptions.config.access;
  const principal = request.principal;
  if (!access || "public" in access || !access.client || !principal) return;
  const clientId = await access.client(request);
  if (clientId !== undefined && !inScope(principal.clients, clientId)) {
    throw new ApiError("LC_ERR_FORBIDDEN", `you may not act on client "${clientId}"`);
  }
};

/** Staff authentication and authorisation for every route of `app`, declared by each route's `access`. */
export async function staffAuth(app: FastifyInstance, opts: StaffAuthOptions): Promise<void> {
  await app.register(cookie);
  await app.register(csrf, {
    sessionPlugin: "@fastify/cookie",
    cookieOpts: { path: "/", sameSite: "strict", httpOnly: true, secure: opts.secureCookies },
    csrfOpts: { hmacKey: opts.csrfKey },
    getUserInfo: (req: FastifyRequest) => req.principal?.sessionId ?? "",
  });
  app.addHook("onRoute", (route) => {
    const access: RouteAccess | undefined = route.config?.access;
    if (!access) throw new Error(`route ${String(route.method)} ${route.url} declares no access`);
  });
  app.addHook("onRequest", authenticate(opts));
  app.addHook("preHandler", clientScope);
  // A browser sends the session cookie on its own; a bearer token it never does, so only cookie requests
  // that change something need the token the console got at sign-in.
  app.addHook("preHandler", function (request, reply, done) {
    if (request.principal?.via === "session" && mutating.has(request.method)) {
      app.csrfProtection(request, reply, done);
      return;
    }
    done();
  });
}

/** A CSRF token for the request's session: what the console sends back as `x-csrf-token`. */
export function csrfTokenFor(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const sessionId = request.principal?.sessionId;
  return sessionId ? reply.generateCsrf({ userInfo: sessionId }) : undefined;
}
