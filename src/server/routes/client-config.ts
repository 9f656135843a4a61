import canonicalize from "canonicalize";
import { z } from "zod";
import { parseClient, publicConfig } from "../../composition/index.ts";
import { testSystemConnection } from "../../composition/test-connection.ts";
import type { KeySource } from "../../credentials/keys.ts";
import { clientConfigSchema, parseClientConfig, type ClientConfig } from "../../domain/client.ts";
import { inScope } from "../../domain/staff-roles.ts";
import { pickUsernameExplained } from "../../domain/username.ts";
import { usernameRules } from "../../domain/username-rule.ts";
import { appendAudit } from "../../store/audit.ts";
import { getClient, upsertClient } from "../../store/clients-repo.ts";
import type { Store } from "../../store/sql.ts";
import { ApiError, bodyErrors, errorResponses } from "../errors.ts";
import { clientFromParams, principalOf } from "../principal.ts";
import { jsonSchemaOf } from "../zod.ts";
import type { RoutePlugin } from "./plugin.ts";

// Plain JSON Schema: the config's own parser (and each connector's) checks the body, so an error names
// the field the same way here as in `lifecycle clients import`.
const configBody = {
  ...jsonSchemaOf(clientConfigSchema, "input"),
  description:
    "The client's whole configuration, as GET /clients/{id} answers it. Credentials are references into the credential store, never secrets.",
};
const clientConfigReply = clientConfigSchema.describe("The configuration as saved, defaults filled in.");
const clientParams = z.strictObject({ id: z.string().min(1).max(100).describe("The client's id.") });
const systemParams = clientParams.extend({
  name: z.string().min(1).max(40).describe("The system's name in the client's config."),
});

const personName = z.string().trim().min(1).max(100);
const previewBody = z
  .strictObject({
    format: z
      .union([
        z.string().max(100),
        z.strictObject({
          pattern: z.string().max(100),
          collision: z.enum(["numeric-suffix", "middle-initial"]).optional(),
        }),
      ])
      .optional()
      .describe('The pattern ("{first}.{last}") or { pattern, collision }; absent, the client\'s.'),
    firstName: personName,
    lastName: personName,
    middleName: personName.optional(),
    clientId: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe("Use this client's format, transliteration and first domain."),
  })
  .superRefine((body, ctx) => {
    if (body.format === undefined && body.clientId === undefined)
      ctx.addIssue({ code: "custom", path: ["format"], message: "is required when no clientId is given" });
  });
const previewReply = z
  .object({
    username: z.string(),
    upn: z.string().nullable().describe("With the client's first domain, when a client was named."),
    rule: z.string().describe("How the planner made it, as a dry run says it."),
    rules: z.array(z.string()).describe("Every username rule, in the order they apply."),
  })
  .describe("The username the planner would give, before any directory is asked whether it is taken.");

const testReply = z
  .object({
    ok: z.boolean(),
    latencyMs: z.number().describe("From the token request to the read's answer."),
    error: z
      .object({
        code: z.string().describe('The failure\'s catalogued code, e.g. "AUTH_FAILED", "NOT_CONFIGURED".'),
        message: z.string(),
        vendorCode: z.string().nullable().describe("The vendor's own code, as sent."),
        status: z.number().nullable(),
        requestId: z.string().nullable().describe("The vendor's request id, for its support."),
      })
      .optional(),
  })
  .describe("Whether the system answered; never a secret.");

/**
 * What changed, by top-level field: an audit entry says where to look, the versions say what. The stored
 * config is read as the product reads it (defaults filled in) and compared in canonical JSON, since jsonb
 * keeps its keys in its own order.
 */
function changedFields(stored: unknown, after: ClientConfig): string[] {
  const reread = parseClientConfig(stored);
  const before = (reread.ok ? reread.value : (stored ?? {})) as Record<string, unknown>;
  const now = after as Record<string, unknown>;
  const keys = new Set([...Object.keys(before), ...Object.keys(now)]);
  return [...keys].filter((k) => canonicalize(before[k]) !== canonicalize(now[k])).sort();
}

/** The console's client editor: saving a configuration, previewing usernames, testing a system. */
export const clientConfigRoutes: RoutePlugin<{ store: Store; keys: KeySource }> = async (
  app,
  { store, keys },
) => {
  app.put(
    "/clients/:id",
    {
      config: { access: { permission: "configure", client: clientFromParams() } },
      schema: {
        summary: "Replace a client's configuration",
        description:
          "Validated whole, by the configuration's rules and each system's connector: every error names its field (`systems.entra.tenantId`). Takes effect for the next request and step, without a restart. Audited.",
        tags: ["clients"],
        params: clientParams,
        body: configBody,
        response: {
          200: clientConfigReply,
          ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND", ...bodyErrors),
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const body: unknown = request.body;
      if (typeof body !== "object" || body === null || Array.isArray(body))
        throw new ApiError("LC_ERR_VALIDATION", "the request is not valid", {
          fields: [{ field: "body", message: "must be the client's configuration, an object" }],
        });
      const given = (body as { id?: unknown }).id;
      if (given !== undefined && given !== id)
        throw new ApiError("LC_ERR_VALIDATION", "the request is not valid", {
          fields: [
            {
              field: "id",
              message: `must be "${id}", the client in the path: a client's id does not change`,
            },
          ],
        });
      const parsed = parseClient({ ...body, id });
      if (!parsed.ok)
        throw new ApiError("LC_ERR_VALIDATION", "the configuration is not valid", { fields: parsed.errors });
      const actor = principalOf(request).email;
      const saved = await store.tx(async (sql) => {
        const [row] = await sql.query<{ config: unknown }>(
          "select config from clients where id = $1 for update",
          [id],
        );
        if (!row) return undefined;
        await upsertClient(sql, parsed.value);
        await appendAudit(sql, {
          actor,
          action: "client.update",
          subject: id,
          detail: { changed: changedFields(row.config, parsed.value) },
        });
        return parsed.value;
      });
      if (!saved) throw new ApiError("LC_ERR_NOT_FOUND", `no client "${id}"`);
      return publicConfig(saved);
    },
  );

  app.post(
    "/username-preview",
    {
      config: { access: { permission: "read" } },
      schema: {
        summary: "Preview the username a name gets",
        description:
          "The username and the rule the planner states for it, from a format (or the client's) and a name: for a live preview while a form or the client editor is filled in. No directory is asked whether it is taken.",
        tags: ["clients"],
        body: previewBody,
        response: {
          200: previewReply,
          ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND", "LC_ERR_FORBIDDEN", ...bodyErrors),
        },
      },
    },
    async (request) => {
      const { format, firstName, lastName, middleName, clientId } = request.body;
      let client: ClientConfig | undefined;
      if (clientId !== undefined) {
        if (!inScope(principalOf(request).clients, clientId))
          throw new ApiError("LC_ERR_FORBIDDEN", `you may not act on client "${clientId}"`);
        client = await getClient(store, clientId);
        if (!client) throw new ApiError("LC_ERR_NOT_FOUND", `no client "${clientId}"`);
      }
      // The format as the client config would hold it, so a pattern is refused with the config's words.
      const asked = typeof format === "string" ? { pattern: format } : format;
      const checked = clientConfigSchema.shape.usernameFormat.safeParse(asked ?? client?.usernameFormat);
      if (!checked.success)
        throw new ApiError("LC_ERR_VALIDATION", "the request is not valid", {
          fields: checked.error.issues.map((i) => ({
            field: ["format", ...(typeof format === "string" ? [] : i.path.map(String))].join("."),
            message: i.message,
          })),
        });
      const translit = client?.transliteration ?? { umlauts: "expand" as const };
      const picked = await pickUsernameExplained(
        { firstName, lastName, middleName },
        checked.data,
        translit,
        async () => false,
      );
      if (!picked.ok)
        throw new ApiError("LC_ERR_VALIDATION", "no username can be made", { fields: picked.errors });
      const domain = client?.domains[0];
      return {
        username: picked.value.username,
        upn: domain ? `${picked.value.username}@${domain}` : null,
        rule: picked.value.rule,
        rules: [...usernameRules],
      };
    },
  );

  app.post(
    "/clients/:id/systems/:name/test",
    {
      config: { access: { permission: "configure", client: clientFromParams() } },
      schema: {
        summary: "Test the connection to one of a client's systems",
        description:
          "The connector gets a token with the system's credential and makes one cheap read. A failure is an answer (ok: false) with the vendor's code, status and request id, never a secret.",
        tags: ["clients"],
        params: systemParams,
        body: z.strictObject({}).nullish().describe("Nothing: the system is tested as saved."),
        response: {
          200: testReply,
          ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND", "LC_ERR_CONFLICT", ...bodyErrors),
        },
      },
    },
    async (request) => {
      const { id, name } = request.params;
      const client = await getClient(store, id);
      if (!client) throw new ApiError("LC_ERR_NOT_FOUND", `no client "${id}"`);
      if (!Object.hasOwn(client.systems, name))
        throw new ApiError("LC_ERR_NOT_FOUND", `client ${id} has no system "${name}"`);
      const result = await testSystemConnection(store, keys, client, name);
      if (result === "untestable")
        throw new ApiError("LC_ERR_CONFLICT", `system ${name}'s connector has no connection test`);
      if (!result.ok) request.log.info({ code: result.error?.code, system: name }, "connection test failed");
      return result;
    },
  );
};
