import rateLimit from "@fastify/rate-limit";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { staffRoles } from "../../domain/staff-roles.ts";
import {
  checkPassword,
  createSession,
  endSession,
  redeemSignInLink,
  setPassword,
  signIn,
  signInLinkAccount,
} from "../../staff/index.ts";
import { accountOf } from "../../staff/accounts.ts";
import type { Store } from "../../store/sql.ts";
import { ApiError, bodyErrors, errorResponses } from "../errors.ts";
import { principalOf } from "../principal.ts";
import { htmlResponse } from "../html-page.ts";
import { signInLinkPage, signedInPage, signInLinkRefusedPage } from "../sign-in-page.ts";
import { clearSessionCookie, setSessionCookie } from "../session-cookie.ts";
import { csrfTokenFor } from "../staff-auth.ts";
import type { RoutePlugin } from "./plugin.ts";

export interface SignInDeps {
  store: Store;
  now: () => Date;
  secureCookies: boolean;
}

/** Sign-in attempts per client address: a person mistypes a few times, a guesser tries thousands. */
export const signInLimit = { max: 10, timeWindow: 60_000 };

const credentials = z.strictObject({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(1024),
});

export const me = z
  .object({
    email: z.string(),
    displayName: z.string(),
    role: z.enum(staffRoles),
    clients: z.union([z.literal("all"), z.array(z.string()).readonly()]),
    via: z.enum(["session", "token"]),
    csrfToken: z
      .string()
      .optional()
      .describe("With a session: send it as `x-csrf-token` on every request that changes something."),
  })
  .describe("Who this request is signed in as.");

const linkParams = z.strictObject({ token: z.string().min(1).max(200) });

const rateLimited = (seconds: number) =>
  new ApiError("LC_ERR_RATE_LIMITED", `too many sign-in attempts; try again in ${seconds} s`);

const read = { access: { permission: "read" as const } };
const open = { access: { public: true as const } };

/** Sign-in and sign-out for staff: a session cookie for the console; the CLI and automation use tokens. */
export const signInRoutes: RoutePlugin<SignInDeps> = async (app, { store, now, secureCookies }) => {
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => rateLimited(Math.ceil(context.ttl / 1000)),
  });
  // The sign-in link's page posts a plain form.
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string", bodyLimit: 4096 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  const startSession = async (request: FastifyRequest, reply: FastifyReply, accountId: string) => {
    const session = await createSession(store, accountId, now());
    setSessionCookie(reply, session, secureCookies);
    return session;
  };

  app.post(
    "/api/auth/sign-in",
    {
      config: { ...open, rateLimit: signInLimit },
      schema: {
        summary: "Sign in with an address and password",
        description: "Sets the session cookie; the answer's csrfToken goes with every change made with it.",
        tags: ["staff"],
        body: credentials,
        response: {
          200: me,
          ...errorResponses(
            "LC_ERR_VALIDATION",
            "LC_ERR_UNAUTHENTICATED",
            "LC_ERR_RATE_LIMITED",
            ...bodyErrors,
          ),
        },
      },
    },
    async (request, reply) => {
      const checked = await signIn(store, request.body.email, request.body.password, now());
      if (!checked.ok) throw new ApiError("LC_ERR_UNAUTHENTICATED", checked.errors[0]!.message);
      const account = checked.value;
      const session = await startSession(request, reply, account.id);
      request.principal = {
        accountId: account.id,
        email: account.email,
        role: account.role,
        clients: account.clients,
        via: "session",
        sessionId: session.id,
      };
      return { ...meOf(request), displayName: account.displayName, csrfToken: csrfTokenFor(request, reply) };
    },
  );

  app.post(
    "/api/auth/sign-out",
    {
      config: read,
      schema: {
        summary: "End this session",
        tags: ["staff"],
        body: z.strictObject({}).nullish(),
        response: {
          200: z
            .object({ signedOut: z.literal(true) })
            .describe("The session is over and its cookie cleared."),
          ...errorResponses("LC_ERR_UNAUTHENTICATED", ...bodyErrors),
        },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      if (p.sessionId) await endSession(store, p.sessionId, p.email);
      clearSessionCookie(reply, secureCookies);
      return { signedOut: true as const };
    },
  );

  app.get(
    "/api/auth/me",
    {
      config: read,
      schema: {
        summary: "Who is signed in",
        tags: ["staff"],
        response: { 200: me, ...errorResponses("LC_ERR_UNAUTHENTICATED") },
      },
    },
    async (request, reply) => {
      const [row] = await store.query<{ display_name: string }>(
        "select display_name from staff_accounts where id = $1",
        [principalOf(request).accountId],
      );
      const csrfToken = csrfTokenFor(request, reply);
      return { ...meOf(request), displayName: row?.display_name ?? "", ...(csrfToken ? { csrfToken } : {}) };
    },
  );

  // The first admin's link (printed at the first start) and links an admin hands out: a page that asks for
  // a password, so opening the link (a mail scanner, a preview) spends nothing; the form's post does.
  app.get(
    "/sign-in/:token",
    {
      config: { ...open, rateLimit: signInLimit },
      schema: {
        summary: "The page of a one-time sign-in link: it asks for a password",
        description: "Opening it spends nothing; posting its form does.",
        tags: ["staff"],
        params: linkParams,
        response: {
          200: htmlResponse("The page."),
          ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_RATE_LIMITED"),
        },
      },
    },
    async (request, reply) => reply.type("text/html").send(signInLinkPage(request.params.token)),
  );

  app.post(
    "/sign-in/:token",
    {
      config: { ...open, rateLimit: signInLimit },
      schema: {
        summary: "Choose a password with a one-time sign-in link, and sign in",
        tags: ["staff"],
        params: linkParams,
        body: z.object({ password: z.string().max(1024), confirm: z.string().max(1024) }),
        response: {
          200: htmlResponse("Signed in: the session cookie is set and the link is spent."),
          400: htmlResponse("The passwords differ or are too weak; the link is kept."),
          404: htmlResponse("The link is unknown, spent or expired."),
          ...errorResponses("LC_ERR_RATE_LIMITED", ...bodyErrors),
        },
      },
    },
    async (request, reply) => {
      const { password, confirm } = request.body;
      if (password !== confirm)
        return reply
          .code(400)
          .type("text/html")
          .send(signInLinkPage(request.params.token, "The two passwords are not the same."));
      const { token } = request.params;
      const pending = await signInLinkAccount(store, token, now());
      if (!pending) return reply.code(404).type("text/html").send(signInLinkRefusedPage());
      // Checked before the link is spent, so a weak password costs a retry, not the link.
      const strong = checkPassword(password, pending.email);
      if (!strong.ok)
        return reply.code(400).type("text/html").send(signInLinkPage(token, strong.errors[0]!.message));
      const row = await redeemSignInLink(store, token, now());
      if (!row) return reply.code(404).type("text/html").send(signInLinkRefusedPage());
      const account = accountOf(row);
      const set = await setPassword(store, account.id, password, account.email);
      if (!set.ok) throw new Error(`a checked password was refused: ${set.errors[0]?.message}`);
      await startSession(request, reply, account.id);
      return reply.type("text/html").send(signedInPage(account.email));
    },
  );
};

function meOf(request: FastifyRequest) {
  const p = principalOf(request);
  return { email: p.email, role: p.role, clients: p.clients, via: p.via };
}
