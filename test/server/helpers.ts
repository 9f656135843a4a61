import assert from "node:assert/strict";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { buildServer } from "../../src/server/app.ts";
import { injectingToken } from "../support/signed-in.ts";
import { z } from "zod";
import { parseClientConfig, type ClientConfig } from "../../src/domain/client.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import type { Sql, Store } from "../../src/store/sql.ts";
import { testClientConfig } from "../support/engine-helpers.ts";
import { sha256 } from "../../src/staff/secrets.ts";

const stubSecret = "s".repeat(43);
/**
 * A bearer token a stub store knows: each 12-character name is an admin account of its own, so requests
 * reach the route under test and tests can tell callers apart.
 */
export const stubToken = (name: string) => `lct_${name.padEnd(12, "0").slice(0, 12)}.${stubSecret}`;
export const stubAdminToken = stubToken("stubtoken001");
const stubAccount = (tokenId: string) => ({
  ...stubAdmin,
  id: `00000000-0000-4000-8000-${sha256(tokenId).slice(0, 12)}`,
  email: tokenId === "stubtoken001" ? stubAdmin.email : `${tokenId}@lifecycle.test`,
  token_id: tokenId,
});
const stubAdmin = {
  id: "00000000-0000-4000-8000-000000000001",
  email: "stub-admin@lifecycle.test",
  display_name: "Stub admin",
  role: "admin",
  clients: null,
  password_hash: null,
  failed_sign_ins: 0,
  locked_until: null,
  created_at: new Date(0),
  disabled_at: null,
  token_id: "stubtoken001",
  token_role: "admin",
  token_clients: null,
  purpose: "personal",
  secret_hash: sha256(stubSecret),
  expires_at: new Date("2999-01-01T00:00:00Z"),
  revoked_at: null,
  last_used_at: new Date(),
};

/**
 * A Store that answers every query with `answer`, for tests that need no database. It knows one staff
 * token (`stubAdminToken`), so a server on it authenticates requests as the real one does.
 */
export function stubStore(
  answer: (text: string) => Promise<Record<string, unknown>[]>,
  kind: Store["kind"] = "pglite",
): Store {
  const sql: Sql = {
    query: async <T>(text: string, params?: unknown[]) =>
      (/from staff_tokens t join staff_accounts a/.test(text)
        ? [stubAccount(String(params?.[0]))]
        : await answer(text)) as T[],
  };
  return {
    kind,
    query: sql.query,
    tx: (fn) => fn(sql),
    listen: async () => async () => undefined,
    close: async () => undefined,
  };
}

export const manager = "mike.chen@acme.example.com";

/** "acme" whose onboardings the manager approves, so a submitted run waits at the approval gate. */
export async function seedApprovingClient(store: Store, id = "acme"): Promise<ClientConfig> {
  const base = testClientConfig(id);
  const parsed = parseClientConfig({ ...base, approval: { ...base.approval, onboarding: "manager" } });
  assert.ok(parsed.ok, JSON.stringify(parsed));
  await upsertClient(store, parsed.value);
  return parsed.value;
}

/**
 * A valid onboarding body for "acme", ready for the approving client (it names a manager). Tests submit
 * Jane Doe many times over, so it allows duplicates; test/server/idempotency.test.ts turns that off.
 */
export function onboardingBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    client: "acme",
    firstName: "Jane",
    lastName: "Doe",
    start: "now",
    requester: "boss@acme.example.com",
    manager,
    allowDuplicate: true,
    ...overrides,
  };
}

export async function countRows(store: Store): Promise<{ runs: number; requests: number }> {
  const [row] = await store.query<{ runs: number; requests: number }>(
    `select (select count(*)::int from runs) as runs, (select count(*)::int from requests) as requests`,
  );
  assert.ok(row);
  return row;
}

export function json<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return JSON.parse(res.body) as T;
}

export interface ErrorReply {
  error: { code: string; message: string; fields?: { field: string; message: string }[] };
}

export function fieldsOf(res: LightMyRequestResponse): string[] {
  return (json<ErrorReply>(res).error.fields ?? []).map((f) => f.field);
}

type OpenApi = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components: { schemas: Record<string, unknown> };
};

export async function openapi(app: FastifyInstance): Promise<OpenApi> {
  const res = await app.inject({ method: "GET", url: "/api/openapi.json" });
  assert.equal(res.statusCode, 200, res.body);
  return json<OpenApi>(res);
}

// z.fromJSONSchema does not follow OpenAPI component references, so they are replaced by their targets.
function inlineRefs(schema: unknown, components: Record<string, unknown>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inlineRefs(s, components));
  if (typeof schema !== "object" || schema === null) return schema;
  const ref = (schema as { $ref?: unknown }).$ref;
  if (typeof ref === "string") {
    const target = components[ref.replace("#/components/schemas/", "")];
    assert.ok(target, `dangling reference ${ref}`);
    return inlineRefs(target, components);
  }
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inlineRefs(v, components)]));
}

/**
 * Checks a reply against what the OpenAPI document promises for that route and status, so a handler that
 * sends a field the document lacks (or lacks one it promises) fails a test.
 */
export function assertMatchesDocument(
  doc: OpenApi,
  method: string,
  path: string,
  res: LightMyRequestResponse,
): void {
  const documented = doc.paths[path]?.[method.toLowerCase()]?.responses[String(res.statusCode)];
  assert.ok(documented, `${method} ${path} does not document status ${res.statusCode}`);
  const schema = documented.content?.["application/json"]?.schema;
  assert.ok(schema, `${method} ${path} ${res.statusCode} has no JSON schema`);
  const parsed = z
    .fromJSONSchema(inlineRefs(schema, doc.components.schemas) as Parameters<typeof z.fromJSONSchema>[0])
    .safeParse(JSON.parse(res.body));
  assert.ok(
    parsed.success,
    `${method} ${path} ${res.statusCode} differs from the document: ${parsed.error?.message}`,
  );
}

/** A server on a stub store whose injected requests carry the stub admin's token. */
export async function stubServer(opts: Parameters<typeof buildServer>[0]): Promise<FastifyInstance> {
  return injectingToken(await buildServer(opts), stubAdminToken);
}
