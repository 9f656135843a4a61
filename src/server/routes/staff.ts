import type { FastifyRequest } from "fastify";
import { z } from "zod";
import type { Result } from "../../domain/result.ts";
import { staffRoles } from "../../domain/staff-roles.ts";
import {
  createAccount,
  createToken,
  disableAccount,
  listAccounts,
  listTokens,
  revokeToken,
  signInLinkFor,
} from "../../staff/index.ts";
import type { Store } from "../../store/sql.ts";
import { ApiError, bodyErrors, errorResponses } from "../errors.ts";
import { principalOf } from "../principal.ts";
import type { RoutePlugin } from "./plugin.ts";

export interface StaffDeps {
  store: Store;
  now: () => Date;
  /** Where people reach this server: the base of the sign-in links handed out. */
  publicUrl: () => string | undefined;
}

const scope = z.union([z.literal("all"), z.array(z.string()).readonly()]);
const tokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  owner: z.string(),
  role: z.enum(staffRoles),
  clients: scope,
  purpose: z.enum(["personal", "local-cli", "sign-in-link"]),
  createdAt: z.date(),
  expiresAt: z.date(),
  lastUsedAt: z.date().optional(),
  revokedAt: z.date().optional(),
});
const account = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(staffRoles),
  clients: scope,
  hasPassword: z.boolean(),
  createdAt: z.date(),
  disabledAt: z.date().optional(),
});

const tokenBody = z.strictObject({
  name: z.string().max(100),
  role: z.enum(staffRoles).optional(),
  clients: z.array(z.string().max(100)).max(500).optional(),
  expiresInDays: z.int().optional(),
});
const accountBody = z.strictObject({
  email: z.string().max(254),
  displayName: z.string().max(200).optional(),
  role: z.enum(staffRoles),
  clients: z.array(z.string().max(100)).max(500).optional(),
});
const tokenParams = z.strictObject({ id: z.string().min(1).max(100) });
const emailParams = z.strictObject({ email: z.string().min(1).max(254) });
const tokensQuery = z.strictObject({
  all: z
    .enum(["true", "false"])
    .optional()
    .describe("Every account's tokens (admins only); otherwise your own."),
});

const signInLink = z
  .string()
  .describe("A one-time sign-in link (a day) for the account's holder to choose a password: shown once.");

const read = { access: { permission: "read" as const } };
const administer = { access: { permission: "administer" as const } };

function valid<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new ApiError("LC_ERR_VALIDATION", "the request is not valid", { fields: result.errors });
}

/** Personal API tokens (every role, for itself) and staff accounts (admins). */
export const staffRoutes: RoutePlugin<StaffDeps> = async (app, { store, now, publicUrl }) => {
  const linkUrl = (request: FastifyRequest, token: string) =>
    `${(publicUrl() ?? `${request.protocol}://${request.host}`).replace(/\/+$/, "")}/sign-in/${token}`;

  app.get(
    "/auth/tokens",
    {
      config: read,
      schema: {
        summary: "API tokens",
        tags: ["staff"],
        querystring: tokensQuery,
        response: {
          200: z.array(tokenInfo).describe("Newest first; never their values."),
          ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_FORBIDDEN"),
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      if (request.query.all === "true" && p.role !== "admin")
        throw new ApiError("LC_ERR_FORBIDDEN", "only admins may list every account's tokens");
      return listTokens(store, request.query.all === "true" ? undefined : p.accountId);
    },
  );

  app.post(
    "/auth/tokens",
    {
      config: read,
      schema: {
        summary: "Create a personal API token",
        description:
          "Its role and clients default to yours and may only be narrower. The value is shown once.",
        tags: ["staff"],
        body: tokenBody,
        response: {
          201: z.object({ token: z.string().describe("Shown once: keep it safe."), info: tokenInfo }),
          ...errorResponses("LC_ERR_VALIDATION", ...bodyErrors),
        },
      },
    },
    async (request, reply) => {
      const made = valid(await createToken(store, principalOf(request), request.body, "personal", now()));
      return reply.code(201).send(made);
    },
  );

  app.delete(
    "/auth/tokens/:id",
    {
      config: read,
      schema: {
        summary: "Revoke an API token",
        tags: ["staff"],
        params: tokenParams,
        response: { 200: tokenInfo, ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND") },
      },
    },
    async (request) => {
      const done = await revokeToken(store, principalOf(request), request.params.id);
      if (!done.ok) throw new ApiError("LC_ERR_NOT_FOUND", done.errors[0]!.message);
      return done.value;
    },
  );

  app.get(
    "/staff",
    {
      config: administer,
      schema: {
        summary: "Staff accounts",
        tags: ["staff"],
        response: { 200: z.array(account).describe("By address."), ...errorResponses() },
      },
    },
    async () => listAccounts(store),
  );

  app.post(
    "/staff",
    {
      config: administer,
      schema: {
        summary: "Add a staff account",
        description: "Answers a one-time sign-in link for its holder to choose a password.",
        tags: ["staff"],
        body: accountBody,
        response: {
          201: z.object({ account, signInLink }),
          ...errorResponses("LC_ERR_VALIDATION", ...bodyErrors),
        },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const made = valid(await createAccount(store, request.body, p.email));
      const token = await signInLinkFor(store, made.email, p.email, now());
      if (!token) throw new Error(`the new account ${made.email} has no sign-in link`);
      return reply.code(201).send({ account: made, signInLink: linkUrl(request, token) });
    },
  );

  app.post(
    "/staff/:email/sign-in-link",
    {
      config: administer,
      schema: {
        summary: "A new one-time sign-in link for an account (a forgotten password)",
        tags: ["staff"],
        params: emailParams,
        body: z.strictObject({}).nullish(),
        response: {
          201: z.object({ signInLink }),
          ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND", ...bodyErrors),
        },
      },
    },
    async (request, reply) => {
      const token = await signInLinkFor(store, request.params.email, principalOf(request).email, now());
      if (!token) throw new ApiError("LC_ERR_NOT_FOUND", `no enabled account "${request.params.email}"`);
      return reply.code(201).send({ signInLink: linkUrl(request, token) });
    },
  );

  app.post(
    "/staff/:email/disable",
    {
      config: administer,
      schema: {
        summary: "Disable a staff account",
        description: "Its sessions and tokens stop working at once.",
        tags: ["staff"],
        params: emailParams,
        body: z.strictObject({}).nullish(),
        response: {
          200: account,
          ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND", ...bodyErrors),
        },
      },
    },
    async (request) => {
      const email = request.params.email.trim().toLowerCase();
      valid(await disableAccount(store, email, principalOf(request).email));
      const found = (await listAccounts(store)).find((a) => a.email === email);
      if (!found) throw new ApiError("LC_ERR_NOT_FOUND", `no account "${email}"`);
      return found;
    },
  );
};
