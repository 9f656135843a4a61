// Every request the Autotask connector sends, and every answer the Autotask emulator gives, checked with
// ajv against the vendor's own description (shared/specs/autotask/swagger-v1.json), after the same
// pruning and normalisation the generated types use (scripts/generate/autotask-spec.ts): the spec's
// operations for path, method, headers, query and body; the reference notes' shapes for answers
// ({itemId}, {items, pageDetails}, the HTTP 500 {errors: [...]} envelope), which the normalisation adds
// where the spec is wrong about them. Unknown properties fail: the models are closed here.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { initech, type AutotaskCall, type AutotaskEmulator } from "../../emulators/autotask/index.ts";
import { autotaskOpenApi } from "../../scripts/generate/autotask-spec.ts";
import { rig, startInitech } from "../connectors/autotask/support.ts";

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: "header" | "query" | "path";
  required?: boolean;
  schema: Json;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { $ref?: string; content?: Record<string, { schema: Json }> };
  responses: Record<string, { content?: Record<string, { schema: Json }> }>;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const restPrefix = /^\/atservicesrest/i;

let doc: { paths: Record<string, Record<string, Operation>>; components: Json };
let ajv: Ajv;
let emulator: AutotaskEmulator;
let calls: AutotaskCall[];

/** Closes every object schema, so a property the vendor does not have is an error, not a pass. */
function closed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(closed);
  if (typeof value !== "object" || value === null) return value;
  const out = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, closed(v)]));
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

const validators = new Map<string, ValidateFunction>();
function validator(schema: Json): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = validators.get(key);
  if (!v) {
    const ref = typeof schema.$ref === "string" ? `autotask.json${schema.$ref}` : undefined;
    v = ref ? ajv.getSchema(ref)! : ajv.compile({ ...schema, $id: undefined });
    assert.ok(v, `no schema ${key}`);
    validators.set(key, v);
  }
  return v;
}

function check(schema: Json, value: unknown, where: string): string[] {
  const v = validator(schema);
  return v(value) ? [] : [`${where}: ${ajv.errorsText(v.errors)} in ${JSON.stringify(value).slice(0, 300)}`];
}

function operationOf(call: AutotaskCall): { path: string; op: Operation } | undefined {
  const path = (call.url.split("?")[0] ?? "").replace(restPrefix, "");
  for (const [template, item] of Object.entries(doc.paths)) {
    const re = new RegExp(`^${template.replace(/[.]/g, "\\.").replace(/\{\w+\}/g, "[^/]+")}$`, "i");
    const op = item[call.method.toLowerCase()];
    if (re.test(path) && op) return { path: template, op };
  }
  return undefined;
}

function requestProblems(call: AutotaskCall): string[] {
  const found = operationOf(call);
  if (!found) return [`${call.method} ${call.url}: no such operation in the Autotask spec`];
  const { path, op } = found;
  const where = `${call.method} ${path}`;
  const problems: string[] = [];
  const query = new URL(call.url, "http://x").searchParams;
  for (const p of op.parameters ?? []) {
    // Zone discovery is the one unauthenticated call (reference §3, "Zone lookup (no auth)"); the spec
    // lists the headers on every operation alike. The connector sends no secret to it.
    if (p.in === "header" && path === "/V1.0/ZoneInformation") continue;
    const value =
      p.in === "header"
        ? call.requestHeaders[p.name]
        : p.in === "query"
          ? (query.get(p.name) ?? undefined)
          : undefined;
    if (p.required && p.in !== "path" && value === undefined)
      problems.push(`${where}: ${p.in} ${p.name} missing`);
    if (p.in === "query" && p.name === "search" && value !== undefined)
      problems.push(
        ...check({ $ref: "#/components/schemas/QueryModel" }, JSON.parse(value), `${where} ?search`),
      );
  }
  for (const key of query.keys())
    if (!(op.parameters ?? []).some((p) => p.in === "query" && p.name === key))
      problems.push(`${where}: query parameter ${key} is not in the spec`);
  if (op.requestBody) {
    const body = op.requestBody.$ref
      ? (doc.components.requestBodies as Record<string, Operation["requestBody"]>)[
          op.requestBody.$ref.split("/").pop()!
        ]
      : op.requestBody;
    const schema = body?.content?.["application/json"]?.schema;
    assert.ok(schema, `${where}: no JSON body schema`);
    problems.push(...check(schema, call.requestBody, `${where} body`));
  } else if (call.requestBody !== undefined) problems.push(`${where}: a body where the spec has none`);
  return problems;
}

function responseProblems(call: AutotaskCall): string[] {
  const found = operationOf(call);
  if (!found) return [];
  const where = `${call.method} ${found.path} → ${call.status}`;
  if (call.status === 200) {
    const schema = found.op.responses["200"]?.content?.["application/json"]?.schema;
    if (!schema) return [`${where}: no answer schema`];
    return check(schema, call.responseBody, where);
  }
  // Every refusal the emulator explains is Autotask's envelope (reference §3).
  return check({ $ref: "#/components/schemas/ErrorResult" }, call.responseBody, where);
}

before(async () => {
  const oas = (await autotaskOpenApi({ properties: "all" })) as typeof doc;
  doc = { ...oas, components: closed(oas.components) as Json };
  ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: "autotask.json", components: doc.components });
  emulator = await startInitech();
  // Everything the connector does, the happy paths and the refusals.
  const { psa } = rig(emulator, { section: { pageSize: 2 }, maxRetries: 0 });
  const contact = await psa.createContact({
    firstName: "Samir",
    lastName: "N",
    email: `samir-${randomUUID().slice(0, 4)}@initech.com`,
    title: "Engineer",
    phone: "555-0100",
  });
  await psa.findContact(initech.contacts.peter);
  await psa.setContactActive(contact.id, false);
  const ticket = await psa.openTicket({
    title: "Onboard Samir",
    description: "Plan",
    reference: randomUUID(),
    contactId: contact.id,
  });
  await psa.findTicket(ticket.number);
  await psa.findTicket("424242");
  await psa.findTicketByReference(randomUUID());
  for (let i = 0; i < 5; i++)
    await psa.addNote(ticket.id, { text: `step ${i}`, marker: `lifecycle:${i}-${randomUUID()}` });
  await psa.findNote(ticket.id, "lifecycle:absent");
  await psa.setTicketPhase(ticket.id, "waiting-on-customer");
  await psa.setTicketPhase(ticket.id, "completed");
  await rig(emulator).transport.threshold();
  // A refused write: a priority retired in Autotask after the connector read its picklists.
  const priorities = emulator.admin.picklist("priority");
  emulator.admin.setPicklist(
    "priority",
    priorities.map((p) => ({ ...p, isActive: p.value !== initech.priorities.medium })),
  );
  await psa.openTicket({ title: "x", description: "x", reference: randomUUID() }).catch(() => undefined);
  emulator.admin.setPicklist("priority", priorities);
  await rig(emulator, { credential: { ...initech.apiUser, secret: "wrong" } })
    .psa.findContact("a@b.c")
    .catch(() => undefined);
  const suspended = rig(emulator, { maxRetries: 0 });
  await suspended.transport.zone();
  emulator.admin.setThresholdUsage(10_000);
  await suspended.psa.findContact("a@b.c").catch(() => undefined);
  calls = emulator.admin.calls();
});
after(async () => emulator?.close());

test("the traffic covers every operation the connector uses, paging and refusals included", () => {
  const seen = new Set(calls.map((c) => `${c.method} ${operationOf(c)?.path}`));
  for (const [path, item] of Object.entries(doc.paths))
    for (const method of Object.keys(item)) {
      if (method === "get" && path.endsWith("/query")) continue; // only followed pages use GET, checked below
      assert.ok(seen.has(`${method.toUpperCase()} ${path}`), `${method} ${path} was not exercised`);
    }
  assert.ok(
    calls.some((c) => c.method === "GET" && /TicketNotes\/query\?search=/i.test(c.url)),
    "a nextPageUrl was followed",
  );
  for (const status of [200, 401, 429, 500])
    assert.ok(
      calls.some((c) => c.status === status),
      `no ${status} answer`,
    );
});

test("every request the connector sent is one the Autotask spec describes, headers, query and body", () => {
  const problems = calls.flatMap(requestProblems);
  assert.deepEqual(problems, []);
});

test("every answer the emulator gave has the shape the reference documents", () => {
  const problems = calls.flatMap(responseProblems);
  assert.deepEqual(problems, []);
});

test("the checks fail on what the vendor would not take or send", () => {
  const create = { ...calls.find((c) => c.method === "POST" && /Companies/.test(c.url))! };
  assert.deepEqual(requestProblems(create), []);
  assert.notDeepEqual(requestProblems({ ...create, requestBody: { firstName: 1, nickname: "x" } }), []);
  assert.notDeepEqual(requestProblems({ ...create, requestHeaders: {} }), []);
  assert.notDeepEqual(requestProblems({ ...create, method: "DELETE" }), []);
  assert.notDeepEqual(responseProblems({ ...create, responseBody: { id: 1 } }), []);
  assert.notDeepEqual(responseProblems({ ...create, status: 500, responseBody: { message: "x" } }), []);
  const query = {
    ...calls.find((c) => c.method === "POST" && /Contacts\/query/.test(c.url) && c.status === 200)!,
  };
  assert.notDeepEqual(
    responseProblems({ ...query, responseBody: { items: [{ id: 1, invented: true }], pageDetails: {} } }),
    [],
  );
});
