// ConnectWise publishes no machine-readable spec we could check against (reference §0: the 2025 "All.json"
// was not checked), so the request and response shapes the reference notes (§2) describe are written down
// here as JSON Schemas, and every request the connector sends and every answer the emulator gives in a
// full run of the PSA port (captured by the emulator's call log) is validated against them.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { startConnectWiseEmulator, type CallRecordCw } from "../../emulators/connectwise/index.ts";
import { globexPsa } from "../connectors/connectwise/support.ts";

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
addFormats.default(ajv);

const ref = { type: "object", required: ["id"], properties: { id: { type: "integer" } } } as const;
const refNamed = {
  type: "object",
  required: ["id", "name"],
  properties: { id: { type: "integer" }, name: { type: "string" } },
} as const;

const schemas = {
  // §2 Contacts, "Minimal body": firstName 1–30 (mandatory), lastName ≤ 30, title ≤ 100.
  contactBody: {
    type: "object",
    additionalProperties: false,
    required: ["firstName", "company", "communicationItems"],
    properties: {
      firstName: { type: "string", minLength: 1, maxLength: 30 },
      lastName: { type: "string", maxLength: 30 },
      title: { type: "string", maxLength: 100 },
      company: { ...ref, additionalProperties: false },
      site: { ...ref, additionalProperties: false },
      communicationItems: {
        type: "array",
        minItems: 1,
        items: {
          type: "object",
          additionalProperties: false,
          required: ["type", "value", "defaultFlag", "communicationType"],
          properties: {
            type: { ...ref, additionalProperties: false },
            value: { type: "string", minLength: 1 },
            defaultFlag: { type: "boolean" },
            communicationType: { enum: ["Email", "Phone"] },
          },
        },
      },
    },
  },
  // §2: PATCH bodies are always JSON-Patch arrays.
  contactPatch: {
    type: "array",
    minItems: 1,
    items: {
      type: "object",
      additionalProperties: false,
      required: ["op", "path", "value"],
      properties: { op: { const: "replace" }, path: { const: "inactiveFlag" }, value: { type: "boolean" } },
    },
  },
  ticketPatch: {
    type: "array",
    minItems: 1,
    items: {
      type: "object",
      additionalProperties: false,
      required: ["op", "path", "value"],
      properties: {
        op: { const: "replace" },
        path: { const: "status" },
        value: { ...ref, additionalProperties: false },
      },
    },
  },
  // §2 Tickets, Create: summary ≤ 100; externalXRef carries Lifecycle's reference.
  ticketBody: {
    type: "object",
    additionalProperties: false,
    required: ["summary", "company", "board", "initialDescription", "externalXRef"],
    properties: {
      summary: { type: "string", minLength: 1, maxLength: 100 },
      company: { ...ref, additionalProperties: false },
      board: { ...ref, additionalProperties: false },
      status: {
        oneOf: [
          { ...ref, additionalProperties: false },
          {
            type: "object",
            additionalProperties: false,
            required: ["name"],
            properties: { name: { type: "string" } },
          },
        ],
      },
      contact: { ...ref, additionalProperties: false },
      initialDescription: { type: "string" },
      externalXRef: { type: "string", minLength: 1 },
    },
  },
  // §2 Notes: internalAnalysisFlag = internal; detailDescriptionFlag would be the customer-visible Discussion.
  noteBody: {
    type: "object",
    additionalProperties: false,
    required: ["text", "detailDescriptionFlag", "internalAnalysisFlag", "resolutionFlag"],
    properties: {
      text: { type: "string", minLength: 1 },
      detailDescriptionFlag: { const: false },
      internalAnalysisFlag: { const: true },
      resolutionFlag: { const: false },
    },
  },
  companyInfo: {
    type: "object",
    required: ["CompanyName", "Codebase", "VersionCode", "VersionNumber", "CompanyID", "IsCloud"],
    properties: {
      Codebase: { type: "string", pattern: "^[A-Za-z0-9_.]+/$" },
      IsCloud: { enum: ["True", "False"] },
    },
  },
  contact: {
    type: "object",
    required: ["id", "firstName", "company", "inactiveFlag", "communicationItems"],
    properties: {
      id: { type: "integer" },
      firstName: { type: "string" },
      company: ref,
      inactiveFlag: { type: "boolean" },
      communicationItems: {
        type: "array",
        items: {
          type: "object",
          required: ["type", "value", "communicationType"],
          properties: {
            type: ref,
            value: { type: "string" },
            communicationType: { enum: ["Email", "Phone", "Fax"] },
          },
        },
      },
    },
  },
  ticket: {
    type: "object",
    required: ["id", "summary", "board", "status", "company", "closedFlag"],
    not: { anyOf: [{ required: ["initialDescription"] }, { required: ["initialInternalAnalysis"] }] },
    properties: {
      id: { type: "integer" },
      summary: { type: "string", maxLength: 100 },
      board: refNamed,
      status: refNamed,
      company: ref,
      closedFlag: { type: "boolean" },
      externalXRef: { type: "string" },
    },
  },
  note: {
    type: "object",
    required: ["id", "ticketId", "text", "detailDescriptionFlag", "internalAnalysisFlag", "resolutionFlag"],
    properties: {
      id: { type: "integer" },
      ticketId: { type: "integer" },
      text: { type: "string" },
      detailDescriptionFlag: { type: "boolean" },
      internalAnalysisFlag: { type: "boolean" },
      resolutionFlag: { type: "boolean" },
    },
  },
  status: {
    type: "object",
    required: ["id", "name", "closedStatus"],
    properties: { id: { type: "integer" }, name: { type: "string" }, closedStatus: { type: "boolean" } },
  },
  // §2: the Email type's id is "GET /company/communicationTypes" data; the record's members are the
  // generated clients' CommunicationType model (its name is `description`, one flag per kind).
  communicationType: {
    type: "object",
    required: ["id", "description", "phoneFlag", "emailFlag", "faxFlag"],
    properties: {
      id: { type: "integer" },
      description: { type: "string", minLength: 1 },
      phoneFlag: { type: "boolean" },
      emailFlag: { type: "boolean" },
      faxFlag: { type: "boolean" },
    },
  },
  // §2 "Error body": {code, message, errors[{code, message, resource, field}]}.
  errorEnvelope: {
    type: "object",
    additionalProperties: false,
    required: ["code", "message", "errors"],
    properties: {
      code: { type: "string", minLength: 1 },
      message: { type: "string", minLength: 1 },
      errors: {
        oneOf: [
          { type: "null" },
          {
            type: "array",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["code", "message", "resource", "field"],
              properties: {
                code: { type: "string" },
                message: { type: "string" },
                resource: { type: "string" },
                field: { type: "string" },
              },
            },
          },
        ],
      },
    },
  },
  // §2: the 429's example body.
  throttled: {
    type: "object",
    additionalProperties: false,
    required: ["error", "message"],
    properties: {
      error: { const: "ConnectWiseAPI" },
      message: { type: "string", pattern: "^Too many requests\\. Please try again in \\d+ seconds\\.$" },
    },
  },
} as const;

const v = Object.fromEntries(Object.entries(schemas).map(([k, s]) => [k, ajv.compile(s)])) as Record<
  keyof typeof schemas,
  ValidateFunction
>;
const list = (item: ValidateFunction) => (body: unknown) => Array.isArray(body) && body.every((b) => item(b));

/** Per endpoint: the request body schema (when it has one) and the success answer's. */
const endpoints: Record<string, { request?: ValidateFunction; response: (body: unknown) => boolean }> = {
  "GET /login/companyinfo/:companyId": { response: v.companyInfo },
  "GET /company/communicationTypes": { response: list(v.communicationType) },
  "GET /company/contacts": { response: list(v.contact) },
  "POST /company/contacts": { request: v.contactBody, response: v.contact },
  "PATCH /company/contacts/:id": { request: v.contactPatch, response: v.contact },
  "GET /service/tickets": { response: list(v.ticket) },
  "GET /service/tickets/:id": { response: v.ticket },
  "POST /service/tickets": { request: v.ticketBody, response: v.ticket },
  "PATCH /service/tickets/:id": { request: v.ticketPatch, response: v.ticket },
  "GET /service/tickets/:id/notes": { response: list(v.note) },
  "POST /service/tickets/:id/notes": { request: v.noteBody, response: v.note },
  "GET /service/boards/:id/statuses": { response: list(v.status) },
};

/** RFC 5988 as §2 describes it: first and last always, prev/next except at the ends. */
const linkFormat = /^<[^<>\s]+>; rel="(first|prev|next|last)"(, <[^<>\s]+>; rel="(first|prev|next|last)")*$/;
const acceptFormat = /^application\/vnd\.connectwise\.com\+json; version=\d{4}\.\d{1,2}$/;
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function problemsOf(call: CallRecordCw): string[] {
  const key = `${call.method} ${call.route.replace(/^\/:codebase\/apis\/3\.0/, "")}`;
  const endpoint = endpoints[key];
  const out: string[] = [];
  const where = `${key} → ${call.status}`;
  if (!endpoint) return [`${where}: an endpoint the reference schemas here do not describe`];
  if (call.api === "api") {
    if (!acceptFormat.test(call.accept ?? "")) out.push(`${where}: Accept ${call.accept ?? "(none)"}`);
    if (!guid.test(call.appId ?? "")) out.push(`${where}: clientId ${call.appId ?? "(none)"}`);
  }
  if (endpoint.request && !endpoint.request(call.requestBody))
    out.push(
      `${where}: request ${ajv.errorsText(endpoint.request.errors)} in ${JSON.stringify(call.requestBody)}`,
    );
  if (!endpoint.request && call.requestBody !== undefined) out.push(`${where}: a body where none belongs`);
  if (call.status === 429) {
    if (!v.throttled(call.responseBody)) out.push(`${where}: ${ajv.errorsText(v.throttled.errors)}`);
    if (!/^\d+$/.test(call.retryAfter ?? ""))
      out.push(`${where}: Retry-After ${call.retryAfter ?? "(none)"}`);
  } else if (call.status >= 400) {
    if (!v.errorEnvelope(call.responseBody))
      out.push(`${where}: envelope ${ajv.errorsText(v.errorEnvelope.errors)}`);
  } else if (!endpoint.response(call.responseBody)) {
    out.push(`${where}: answer ${JSON.stringify(call.responseBody).slice(0, 300)}`);
  }
  if (Array.isArray(call.responseBody)) {
    if (!linkFormat.test(call.link ?? "")) out.push(`${where}: Link ${call.link ?? "(none)"}`);
    const rels = [...(call.link ?? "").matchAll(/rel="(\w+)"/g)].map((m) => m[1]);
    const page = Number(new URL(call.url, "http://x").searchParams.get("page") ?? "1");
    if (page === 1 && rels.includes("prev")) out.push(`${where}: rel=prev on the first page`);
  }
  return out;
}

test("every request the connector sends and every answer the emulator gives match the reference's shapes", async () => {
  const cw = await startConnectWiseEmulator({ profile: "fast", seed: "globex" });
  try {
    const { psa } = globexPsa(cw, {
      pageSize: 2,
      openStatus: "New",
      statuses: { completed: "Completed", failed: 17 },
    });
    const email = `contract-${randomUUID().slice(0, 8)}@globex.de`;
    await psa.findContact("anna.schmidt@globex.de");
    const created = await psa.createContact({
      firstName: "Contract",
      lastName: "Person",
      email,
      phone: "+49 30 5550100",
    });
    await psa.setContactActive(created.id, false);
    await psa.findTicket("48291");
    await psa.findTicket("987654321");
    const reference = randomUUID();
    const t = await psa.openTicket({
      title: "x".repeat(140),
      description: "Plan",
      reference,
      contactId: created.id,
    });
    await psa.findTicketByReference(reference);
    for (let i = 0; i < 3; i++) await psa.addNote(t.id, { text: `note ${i}`, marker: `lifecycle:${i}` });
    await psa.findNote(t.id, "lifecycle:none");
    await psa.setTicketPhase(t.id, "completed");
    await psa.setTicketPhase(t.id, "failed").catch(() => undefined); // InvalidObject: status 17 is not the board's
    cw.admin.injectFault({ kind: "status", status: 429, retryAfterSeconds: 0, count: 1 });
    await psa.findTicket("48291");
    await globexPsa(cw, {}, { privateKey: "wrong" })
      .psa.findTicket("48291")
      .catch(() => undefined);

    const calls = cw.admin.calls().filter((c) => c.api !== "other");
    const seen = new Set(calls.map((c) => `${c.method} ${c.route.replace(/^\/:codebase\/apis\/3\.0/, "")}`));
    assert.deepEqual(
      [...seen].sort(),
      Object.keys(endpoints).sort(),
      "the run reaches every endpoint the connector uses",
    );
    for (const status of [200, 201, 400, 401, 404, 429])
      assert.ok(
        calls.some((c) => c.status === status),
        `the run includes a ${status}`,
      );
    assert.deepEqual(calls.flatMap(problemsOf), []);
  } finally {
    await cw.close();
  }
});

test("the schemas refuse what the reference rules out, so the test above can fail", () => {
  const note = { text: "x", detailDescriptionFlag: true, internalAnalysisFlag: true, resolutionFlag: false };
  assert.equal(v.noteBody(note), false, "a customer-visible note");
  const ticket = {
    summary: "x".repeat(101),
    company: { id: 1 },
    board: { id: 1 },
    initialDescription: "",
    externalXRef: "r",
  };
  assert.equal(v.ticketBody(ticket), false, "a summary over 100 characters");
  assert.equal(
    v.contactPatch({ op: "replace", path: "inactiveFlag", value: true }),
    false,
    "a patch that is not an array",
  );
  assert.equal(v.contactPatch([{ op: "replace", path: "/inactive", value: true }]), false, "a wrong path");
  assert.equal(v.errorEnvelope({ message: "x", errors: null }), false, "an envelope without its code");
  assert.equal(
    v.ticket({
      ...ticket,
      id: 1,
      summary: "s",
      board: { id: 1, name: "b" },
      status: { id: 1, name: "s" },
      closedFlag: false,
      initialDescription: "x",
    }),
    false,
    "initialDescription echoed",
  );
  assert.equal(linkFormat.test("<http://x/a?page=2>; rel=next"), false, "an unquoted rel");
  assert.deepEqual(
    problemsOf({
      at: "",
      method: "DELETE",
      route: "/:codebase/apis/3.0/company/contacts/:id",
      url: "/",
      api: "api",
      tenantId: undefined,
      appId: undefined,
      status: 204,
      durationMs: 0,
      requestId: "",
      insideBatch: false,
      fault: undefined,
    }).length,
    1,
    "an endpoint nobody described",
  );
});
