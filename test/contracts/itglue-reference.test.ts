// IT Glue publishes no machine-readable spec (reference §0: its docs are HTML; the community OpenAPI
// invents attribute names), so the shapes the reference notes (§6) describe are written down here as JSON
// Schemas, and every request the connector sends and every answer the emulator gives in a full run of the
// docs port (captured by the emulator's call log) is validated against them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { itglue } from "../../src/connectors/itglue/module.ts";
import { startItglueEmulator, type CallRecord } from "../../emulators/itglue/index.ts";
import { acmeSection, itglueDemo, rig } from "../connectors/itglue/support.ts";

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
addFormats.default(ajv);

const id = { type: "string", pattern: "^[0-9]+$" } as const;
const nullableInt = { type: ["integer", "null"] } as const;
const nullableText = { type: ["string", "null"] } as const;
const labelled = {
  type: "object",
  additionalProperties: false,
  required: ["value", "primary", "label-name"],
  properties: {
    value: { type: "string", minLength: 1 },
    primary: { type: "boolean" },
    "label-name": { type: "string" },
  },
} as const;

/** `{ data: { type, [id], attributes } }` with exactly these attributes allowed. */
const write = (type: string, attributes: object, required: string[] = [], withId = false) => ({
  type: "object",
  additionalProperties: false,
  required: ["data"],
  properties: {
    data: {
      type: "object",
      additionalProperties: false,
      required: ["type", "attributes", ...(withId ? ["id"] : [])],
      properties: {
        type: { const: type },
        ...(withId ? { id } : {}),
        attributes: { type: "object", additionalProperties: false, required, properties: attributes },
      },
    },
  },
});

const resource = (type: string, attributes: object, required: string[]) => ({
  type: "object",
  required: ["id", "type", "attributes"],
  properties: {
    id,
    type: { const: type },
    attributes: { type: "object", required, properties: attributes, not: { required: ["password"] } },
  },
});

const contactAttributes = {
  "organization-id": { type: "integer" },
  "organization-name": nullableText,
  name: { type: "string" },
  "first-name": { type: "string" },
  "last-name": nullableText,
  title: nullableText,
  "contact-type-id": nullableInt,
  "contact-type-name": nullableText,
  notes: nullableText,
  important: { type: "boolean" },
  "contact-emails": { type: "array", items: labelled },
  "contact-phones": { type: "array" },
  "psa-id": nullableText,
  "psa-integration-type": nullableText,
  "created-at": { type: "string", format: "date-time" },
  "updated-at": { type: "string", format: "date-time" },
};
const passwordAttributes = {
  "organization-id": { type: "integer" },
  name: { type: "string", minLength: 1 },
  username: nullableText,
  url: nullableText,
  notes: nullableText,
  "password-category-id": nullableInt,
  "password-folder-id": nullableInt,
  "resource-id": nullableInt,
  "resource-type": nullableText,
  archived: { type: "boolean" },
  "created-at": { type: "string", format: "date-time" },
  "updated-at": { type: "string", format: "date-time" },
};

const schemas = {
  // §6 Contacts, Create: first-name, last-name, title, contact-type-id, contact-emails [{value, primary, label-name}].
  contactCreate: write(
    "contacts",
    {
      "first-name": { type: "string", minLength: 1 },
      "last-name": { type: "string" },
      title: { type: "string" },
      "contact-type-id": { type: "integer" },
      notes: { type: "string" },
      "contact-emails": { type: "array", minItems: 1, items: labelled },
      "contact-phones": { type: "array", items: labelled },
    },
    ["first-name", "contact-emails"],
  ),
  // §6 Deactivate: the contact type, and the notes the offboarding keeps.
  contactPatch: write(
    "contacts",
    { "contact-type-id": { type: "integer" }, notes: { type: "string" } },
    [],
    true,
  ),
  // §6 Passwords: organization-id, name, username, password, url, notes, category, folder, resource-id/-type.
  passwordCreate: write(
    "passwords",
    {
      "organization-id": { type: "integer" },
      name: { type: "string", minLength: 1 },
      username: { type: "string" },
      password: { const: "[redacted]" },
      url: { type: "string" },
      notes: { type: "string" },
      "password-category-id": { type: "integer" },
      "password-folder-id": { type: "integer" },
      "resource-id": { type: "integer" },
      "resource-type": { type: "string", minLength: 1 },
    },
    ["organization-id", "name", "resource-id", "resource-type"],
  ),
  passwordPatch: write(
    "passwords",
    { archived: { const: true }, notes: { type: "string" } },
    ["notes"],
    true,
  ),
  contact: resource("contacts", contactAttributes, Object.keys(contactAttributes)),
  password: resource("passwords", passwordAttributes, Object.keys(passwordAttributes)),
  organization: resource("organizations", { name: { type: "string" } }, ["name"]),
  // §6 Pagination: meta current-page, next-page, prev-page, total-pages, total-count; links.
  meta: {
    type: "object",
    required: ["current-page", "next-page", "prev-page", "total-pages", "total-count"],
    properties: {
      "current-page": { type: "integer", minimum: 1 },
      "next-page": nullableInt,
      "prev-page": nullableInt,
      "total-pages": { type: "integer", minimum: 1 },
      "total-count": { type: "integer", minimum: 0 },
    },
  },
  links: {
    type: "object",
    required: ["self", "first", "last"],
    properties: {
      self: { type: "string", format: "uri" },
      first: { type: "string", format: "uri" },
      prev: { type: "string", format: "uri" },
      next: { type: "string", format: "uri" },
      last: { type: "string", format: "uri" },
    },
  },
  // §6 Errors: {"errors":[{"status":"422","title":"…","detail":"…"}]}.
  errors: {
    type: "object",
    additionalProperties: false,
    required: ["errors"],
    properties: {
      errors: {
        type: "array",
        minItems: 1,
        items: {
          type: "object",
          additionalProperties: false,
          required: ["status", "title"],
          properties: {
            status: { type: "string", pattern: "^[45][0-9]{2}$" },
            title: { type: "string", minLength: 1 },
            detail: { type: "string" },
            source: {
              type: "object",
              additionalProperties: false,
              required: ["pointer"],
              properties: { pointer: { type: "string", pattern: "^/data/" } },
            },
          },
        },
      },
    },
  },
} as const;

const v = Object.fromEntries(Object.entries(schemas).map(([k, s]) => [k, ajv.compile(s)])) as Record<
  keyof typeof schemas,
  ValidateFunction
>;

const single = (item: ValidateFunction) => (body: unknown) =>
  typeof body === "object" && body !== null && item((body as { data: unknown }).data);
const list = (item: ValidateFunction) => (body: unknown) => {
  const b = body as { data?: unknown; meta?: unknown; links?: unknown };
  return Array.isArray(b?.data) && b.data.every((d) => item(d)) && v.meta(b.meta) && v.links(b.links);
};

/** Per endpoint: the query parameters it takes (§6), the body schema (writes) and the success answer's. */
const endpoints: Record<
  string,
  { query?: string[]; request?: ValidateFunction; status: number; response: (body: unknown) => boolean }
> = {
  "GET /organizations/:id": { status: 200, response: single(v.organization) },
  "GET /contacts": {
    query: ["filter[primary_email]", "filter[organization_id]", "page[size]", "page[number]"],
    status: 200,
    response: list(v.contact),
  },
  "GET /contacts/:id": { status: 200, response: single(v.contact) },
  "POST /organizations/:organization_id/relationships/contacts": {
    request: v.contactCreate,
    status: 201,
    response: single(v.contact),
  },
  "PATCH /contacts/:id": { request: v.contactPatch, status: 200, response: single(v.contact) },
  "GET /passwords": {
    query: ["filter[organization_id]", "filter[name]", "filter[archived]", "page[size]", "page[number]"],
    status: 200,
    response: list(v.password),
  },
  "GET /passwords/:id": { status: 200, response: single(v.password) },
  "POST /organizations/:organization_id/relationships/passwords": {
    request: v.passwordCreate,
    status: 201,
    response: single(v.password),
  },
  "PATCH /passwords/:id": { request: v.passwordPatch, status: 200, response: single(v.password) },
};

function problemsOf(call: CallRecord): string[] {
  const key = `${call.method} ${call.route}`;
  const endpoint = endpoints[key];
  const where = `${key} → ${call.status}`;
  if (!endpoint) return [`${where}: an endpoint the reference schemas here do not describe`];
  const out: string[] = [];
  const query = new URL(call.url, "http://x").searchParams;
  for (const name of query.keys())
    if (!endpoint.query?.includes(name)) out.push(`${where}: query parameter ${name} is not the reference's`);
  const size = query.get("page[size]");
  if (size !== null && !(Number(size) >= 1 && Number(size) <= 1000)) out.push(`${where}: page[size] ${size}`);
  if (endpoint.request) {
    if (!/^application\/vnd\.api\+json/.test(call.contentType ?? ""))
      out.push(`${where}: Content-Type ${call.contentType ?? "(none)"}`);
    if (!endpoint.request(call.requestBody))
      out.push(
        `${where}: request ${ajv.errorsText(endpoint.request.errors)} in ${JSON.stringify(call.requestBody)}`,
      );
  } else if (call.requestBody !== undefined) out.push(`${where}: a body where none belongs`);
  if (call.status >= 400) {
    if (!v.errors(call.responseBody)) out.push(`${where}: errors ${ajv.errorsText(v.errors.errors)}`);
    if (call.status === 429 && !/^\d+$/.test(call.retryAfter ?? ""))
      out.push(`${where}: Retry-After ${call.retryAfter}`);
  } else if (call.status !== endpoint.status) {
    out.push(`${where}: the reference's answer is ${endpoint.status}`);
  } else if (!endpoint.response(call.responseBody)) {
    out.push(`${where}: answer ${JSON.stringify(call.responseBody).slice(0, 300)}`);
  }
  return out;
}

test("every request the connector sends and every answer the emulator gives match the reference's shapes", async () => {
  const { docs, emu, close } = await rig({
    pageSize: 2,
    passwords: { categoryId: 3, folderId: 4 },
  });
  try {
    const secret = "Contract-Secret-9!";
    const tom = String(itglueDemo.acme.contacts.tom);
    await docs.findPerson("tom.williams@acmecorp.com");
    const person = await docs.createPerson({
      firstName: "Contract",
      lastName: "Person",
      email: "contract.person@acmecorp.com",
      title: "Tester",
      phone: "+1 555 0100",
      notes: "Marketing, starts Monday",
    });
    const credential = await docs.storeCredential({
      name: "Contract Person – Microsoft 365",
      username: "contract.person@acmecorp.com",
      secret,
      url: "https://portal.office.com",
      notes: "Pass by one-time link",
      personId: person.id,
    });
    await docs.findCredential(person.id, credential.name);
    await docs.findCredential(tom, "none such");
    await docs.retireCredential(credential.id, "Offboarded");
    await docs.retirePerson(person.id, "Left");
    await docs.retirePerson(String(itglueDemo.acme.contacts.mike), "x").catch(() => undefined); // PSA-synced 422
    // An account that does not take the configured resource type: IT Glue's 422 with its pointer.
    const misnamed = itglue.open(
      acmeSection(emu, { passwords: { resourceType: "Contacts" } }),
      { apiKey: itglueDemo.apiKey },
      { shared: (_k, make) => make() },
    );
    assert.ok(misnamed.ok);
    await misnamed.value
      .docs!.storeCredential({ name: "x", username: "u", notes: "n", personId: tom })
      .catch(() => undefined);
    emu.admin.configure({ rateLimit: { requests: 1, windowMs: 50 } });
    await docs.findPerson("tom.williams@acmecorp.com");
    await docs.findPerson("tom.williams@acmecorp.com");
    emu.admin.configure({ rateLimit: { requests: 3000, windowMs: 300_000 } });
    emu.admin.deletePassword(itglueDemo.acme.passwords.tom);
    await docs.retireCredential(String(itglueDemo.acme.passwords.tom), "x");
    const section = acmeSection(emu);
    await itglue.testConnection!(section, { apiKey: itglueDemo.apiKey }, { shared: (_k, make) => make() });
    await itglue.testConnection!(section, { apiKey: "ITG.wrong" }, { shared: (_k, make) => make() }).catch(
      () => undefined,
    );

    const calls = emu.admin.calls();
    assert.deepEqual(
      [...new Set(calls.map((c) => `${c.method} ${c.route}`))].sort(),
      Object.keys(endpoints).sort(),
      "the run reaches every endpoint the connector uses",
    );
    for (const status of [200, 201, 401, 404, 422, 429])
      assert.ok(
        calls.some((c) => c.status === status),
        `the run includes a ${status}`,
      );
    assert.deepEqual(calls.flatMap(problemsOf), []);
    assert.ok(!JSON.stringify(calls).includes(secret), "the secret is in the call log");
  } finally {
    await close();
  }
});

test("the schemas refuse what the reference rules out, so the test above can fail", async () => {
  const contact = (attributes: object) => ({ data: { type: "contacts", attributes } });
  assert.equal(
    v.contactCreate(contact({ "first-name": "A", email: "a@b.c" })),
    false,
    "an invented email attribute",
  );
  assert.equal(
    v.contactCreate(contact({ "first-name": "A", "contact-emails": [{ value: "a@b.c" }] })),
    false,
    "an email element without primary and label-name",
  );
  assert.equal(v.contactCreate({ "first-name": "A" }), false, "a body outside data");
  assert.equal(v.errors({ errors: [{ status: 422, title: "x" }] }), false, "a numeric status member");
  assert.equal(v.errors({ error: "x" }), false, "not the JSON:API envelope");
  assert.equal(v.meta({ "current-page": 1 }), false, "meta without next-page and totals");
  const emu = await startItglueEmulator({ seed: "demo" });
  try {
    emu.admin.configure({ showPasswords: true });
    const res = await fetch(`${emu.url}/passwords/${itglueDemo.acme.passwords.tom}`, {
      headers: { "x-api-key": itglueDemo.apiKey },
    });
    const body = (await res.json()) as { data: unknown };
    assert.equal(v.password(body.data), false, "an answer carrying the password's value");
  } finally {
    await emu.close();
  }
  const call = (route: string, url: string): CallRecord => ({
    at: "",
    method: "GET",
    route,
    url,
    api: "api",
    tenantId: undefined,
    appId: undefined,
    status: 200,
    durationMs: 0,
    requestId: "",
    insideBatch: false,
    fault: undefined,
    requestBody: undefined,
    responseBody: { data: [], meta: {}, links: {} },
    contentType: undefined,
    retryAfter: undefined,
  });
  assert.ok(
    problemsOf(call("/contacts", "/contacts?filter[email]=a")).some((p) => /filter\[email\]/.test(p)),
  );
  assert.equal(problemsOf(call("/contacts/:id/notes", "/")).length, 1, "an endpoint nobody described");
});
