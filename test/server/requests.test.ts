import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { requestForms } from "../../src/requests/index.ts";
import type { Fields } from "../../src/requests/kit/field.ts";
import { signedInServer } from "../support/signed-in.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import {
  assertMatchesDocument,
  countRows,
  fieldsOf,
  json,
  manager,
  onboardingBody,
  openapi,
  seedApprovingClient,
  type ErrorReply,
} from "./helpers.ts";

let store: Store;
let app: FastifyInstance;
const now = new Date("2025-03-03T08:00:00Z");

before(async () => {
  store = await openStore({});
  await seedApprovingClient(store);
  app = await signedInServer({ store, now: () => now });
});

after(async () => {
  await app.close();
  await store.close();
});

const post = (url: string, payload: unknown) =>
  app.inject({ method: "POST", url, payload: payload as Record<string, unknown> });

test("an onboarding dry run answers 200 with the plan and its hash, and stores nothing", async () => {
  const before = await countRows(store);
  const res = await post("/api/requests/onboard?dryRun=true", onboardingBody());
  assert.equal(res.statusCode, 200, res.body);
  const body = json<{
    dryRun: boolean;
    planHash: string;
    plan: { actions: { type: string }[] };
    request: { kind: string; approval: string };
  }>(res);
  assert.equal(body.dryRun, true);
  assert.match(body.planHash, /^[0-9a-f]{64}$/);
  assert.ok(body.plan.actions.some((a) => a.type === "identity.create-user"));
  assert.equal(body.request.kind, "onboard");
  assert.equal(body.request.approval, "manager");
  assert.deepEqual(await countRows(store), before);
  assertMatchesDocument(await openapi(app), "POST", "/api/requests/onboard", res);
});

test("an onboarding submission answers 201 and its run, with events, is readable at /api/runs/:id", async () => {
  const res = await post("/api/requests/onboard", onboardingBody({ start: "2025-03-10T09:00" }));
  assert.equal(res.statusCode, 201, res.body);
  const body = json<{ runId: string; status: string; planHash: string; request: { startAt: string } }>(res);
  assert.equal(body.status, "awaiting-approval");
  assert.equal(
    body.request.startAt,
    "2025-03-10T08:00:00.000Z",
    "the start is read in the client's time zone",
  );
  const doc = await openapi(app);
  assertMatchesDocument(doc, "POST", "/api/requests/onboard", res);

  const run = await app.inject({ method: "GET", url: `/api/runs/${body.runId}` });
  assert.equal(run.statusCode, 200);
  const detail = json<{
    id: string;
    planHash: string;
    status: string;
    events: { type: string }[];
    actions: { key: string }[];
  }>(run);
  assert.equal(detail.id, body.runId);
  assert.equal(detail.planHash, body.planHash);
  assert.equal(detail.status, "awaiting-approval");
  assert.deepEqual(detail.events.map((e) => e.type).slice(0, 2), ["run.created", "approval.requested"]);
  assert.ok(detail.actions.some((a) => a.key === "approval"));
  assertMatchesDocument(doc, "GET", "/api/runs/{id}", run);
});

test("an invalid onboarding answers 400 LC_ERR_VALIDATION naming each field, and stores nothing", async () => {
  const before = await countRows(store);
  const res = await post("/api/requests/onboard", {
    client: "acme",
    firstName: 42,
    start: "yesterday",
    colour: "blue",
  });
  assert.equal(res.statusCode, 400);
  const { error } = json<ErrorReply>(res);
  assert.equal(error.code, "LC_ERR_VALIDATION");
  assert.deepEqual(fieldsOf(res).sort(), ["colour", "firstName", "lastName", "requester", "start"]);
  assert.ok(error.fields?.every((f) => f.message.length > 0));
  assert.deepEqual(await countRows(store), before);
  assertMatchesDocument(await openapi(app), "POST", "/api/requests/onboard", res);
});

test("an onboarding for an unknown client answers 400 with a field error on client, and stores nothing", async () => {
  const before = await countRows(store);
  const res = await post("/api/requests/onboard", onboardingBody({ client: "initech" }));
  assert.equal(res.statusCode, 400);
  assert.deepEqual(json<ErrorReply>(res).error.fields, [
    { field: "client", message: 'unknown client "initech"' },
  ]);
  assert.deepEqual(await countRows(store), before);
});

test("a submission without a body answers 400 with a field error on client", async () => {
  const res = await app.inject({ method: "POST", url: "/api/requests/offboard" });
  assert.equal(res.statusCode, 400);
  assert.deepEqual(fieldsOf(res), ["client"]);
});

test("a misspelt dryRun flag is refused instead of submitting a real run", async () => {
  const before = await countRows(store);
  const res = await post("/api/requests/onboard?dryrun=true", onboardingBody());
  assert.equal(res.statusCode, 400);
  assert.deepEqual(fieldsOf(res), ["dryrun"]);
  assert.deepEqual(await countRows(store), before);
});

test("an offboarding dry run answers 200 with a plan and stores nothing", async () => {
  const before = await countRows(store);
  const res = await post("/api/requests/offboard?dryRun=1", {
    client: "acme",
    user: "max.muster@acme.example.com",
    lastDay: "now",
    requester: "boss@acme.example.com",
    actions: { forwardTo: { address: "manager" }, wipeDevices: "retire" },
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.ok(json<{ plan: { actions: unknown[] } }>(res).plan.actions.length > 0);
  assert.deepEqual(await countRows(store), before);
});

type FormSchema = {
  title?: string;
  properties?: Record<string, FormSchema>;
  required?: string[];
  anyOf?: FormSchema[];
};

async function documentedForm(kind: "onboard" | "offboard"): Promise<FormSchema | undefined> {
  const doc = (await openapi(app)) as unknown as {
    paths: Record<
      string,
      { post: { requestBody: { content: { "application/json": { schema: FormSchema } } } } }
    >;
  };
  return doc.paths[`/api/requests/${kind}`]?.post.requestBody.content["application/json"].schema;
}

function expectDocumented(schema: FormSchema | undefined, fields: Fields, where: string): void {
  assert.ok(schema?.properties, `${where}: no properties`);
  assert.deepEqual(Object.keys(schema.properties), Object.keys(fields), `${where}: fields`);
  assert.deepEqual(
    schema.required ?? [],
    Object.keys(fields).filter((k) => fields[k]?.required),
    `${where}: required fields`,
  );
  for (const [key, field] of Object.entries(fields)) {
    const property: FormSchema | undefined = schema.properties[key];
    assert.equal(property?.title, field.label, `${where}.${key}: title`);
    if (field.fields) expectDocumented(property, field.fields, `${where}.${key}`);
  }
}

for (const kind of ["onboard", "offboard"] as const) {
  test(`every field of the ${kind} form definition is in the document, titled and required as defined`, async () => {
    expectDocumented(await documentedForm(kind), requestForms[kind].fields, kind);
  });
}

/** Every field the document names must be one the validator accepts. */
for (const kind of ["onboard", "offboard"] as const) {
  test(`every field the document names for ${kind} forms is one the validator knows`, async () => {
    const doc = (await openapi(app)) as unknown as {
      paths: Record<
        string,
        { post: { requestBody: { content: { "application/json": { schema: Schema } } } } }
      >;
    };
    type Schema = { properties?: Record<string, Schema & { anyOf?: Schema[] }> };
    const form = doc.paths[`/api/requests/${kind}`]?.post.requestBody.content["application/json"].schema;
    assert.ok(form?.properties);
    const fields = Object.keys(form.properties);
    const actions = Object.keys(form.properties.actions?.properties ?? {}).map((k) => `actions.${k}`);
    assert.ok(fields.length > 5);
    // A junk value in each field: the validator may call it wrong, but must not call it unknown.
    const junk: Record<string, unknown> = Object.fromEntries(fields.map((f) => [f, 12345]));
    const actionJunk = Object.fromEntries(actions.map((a) => [a.slice("actions.".length), 12345]));
    const probes =
      kind === "offboard"
        ? [
            { ...junk, client: "acme" },
            { client: "acme", actions: actionJunk },
          ]
        : [{ ...junk, client: "acme" }];
    for (const probe of probes) {
      const res = await post(`/api/requests/${kind}?dryRun=true`, probe);
      assert.equal(res.statusCode, 400);
      const unknown =
        json<ErrorReply>(res).error.fields?.filter((f) => f.message === "is not a known field") ?? [];
      assert.deepEqual(
        unknown,
        [],
        `documented but unknown to the validator: ${unknown.map((f) => f.field).join(", ")}`,
      );
    }
    const res = await post(`/api/requests/${kind}?dryRun=true`, { client: "acme", notAField: 1 });
    assert.ok(
      json<ErrorReply>(res).error.fields?.some(
        (f) => f.field === "notAField" && f.message === "is not a known field",
      ),
      "the probe cannot see unknown fields",
    );
  });
}

test("the console reads each form for a client, with that client's choices and defaults", async () => {
  const doc = await openapi(app);
  const on = await app.inject({ method: "GET", url: "/api/requests/onboard/form?client=acme" });
  assert.equal(on.statusCode, 200, on.body);
  assertMatchesDocument(doc, "GET", "/api/requests/onboard/form", on);
  const onboarding = json<{ client: string; fields: { key: string; choices?: string[] }[] }>(on);
  assert.equal(onboarding.client, "acme");
  assert.deepEqual(
    onboarding.fields.map((f) => f.key),
    Object.keys(requestForms.onboard.fields),
  );
  assert.ok(onboarding.fields.find((f) => f.key === "domain")?.choices?.includes("acme.example.com"));

  const off = await app.inject({ method: "GET", url: "/api/requests/offboard/form?client=acme" });
  assert.equal(off.statusCode, 200, off.body);
  assertMatchesDocument(doc, "GET", "/api/requests/offboard/form", off);
  const actions = json<{ fields: { key: string; fields?: { key: string; default?: unknown }[] }[] }>(
    off,
  ).fields.find((f) => f.key === "actions")?.fields;
  assert.equal(actions?.find((a) => a.key === "disableAccount")?.default, true);

  const unknown = await app.inject({ method: "GET", url: "/api/requests/offboard/form?client=initech" });
  assert.equal(unknown.statusCode, 404);
  assertMatchesDocument(doc, "GET", "/api/requests/offboard/form", unknown);
  const missing = await app.inject({ method: "GET", url: "/api/requests/offboard/form" });
  assert.equal(missing.statusCode, 400);
  assert.deepEqual(fieldsOf(missing), ["client"]);
});

test("pre-flight: a dry run shows an unknown manager as a finding; the real submission is refused and stores nothing", async () => {
  // A directory that knows nobody: the manager the body names is not there.
  const nobody = await signedInServer({
    store,
    now: () => now,
    live: () => ({ findUser: async () => undefined, isUsernameTaken: async () => false }),
  });
  try {
    const before = await countRows(store);
    const dry = await nobody.inject({
      method: "POST",
      url: "/api/requests/onboard?dryRun=true",
      payload: onboardingBody(),
    });
    assert.equal(dry.statusCode, 200, dry.body);
    const { findings } = json<{ findings: { field: string; severity: string; step?: string }[] }>(dry);
    assert.deepEqual(
      findings.filter((f) => f.severity === "error"),
      [
        {
          field: "manager",
          severity: "error",
          message: `no user ${manager} in the client's directory`,
          step: "set-manager",
        },
      ],
    );
    const doc = await openapi(nobody);
    assertMatchesDocument(doc, "POST", "/api/requests/onboard", dry);

    const real = await nobody.inject({
      method: "POST",
      url: "/api/requests/onboard",
      payload: onboardingBody(),
    });
    assert.equal(real.statusCode, 400, real.body);
    assert.equal(json<ErrorReply>(real).error.code, "LC_ERR_VALIDATION");
    assert.deepEqual(json<ErrorReply>(real).error.fields, [
      { field: "manager", message: `no user ${manager} in the client's directory` },
    ]);
    assert.deepEqual(await countRows(store), before);
    assertMatchesDocument(doc, "POST", "/api/requests/onboard", real);
  } finally {
    await nobody.close();
  }
});

test("pre-flight: a stored run's reply carries the warnings it was submitted with", async () => {
  const res = await post("/api/requests/onboard", onboardingBody({ start: "2025-03-10T09:00" }));
  assert.equal(res.statusCode, 201, res.body);
  const { findings } = json<{ findings: { field: string; severity: string; message: string }[] }>(res);
  // This server asks no system: what it could not check, it says.
  assert.ok(
    findings.some((f) => f.field === "manager" && f.severity === "warning" && /not checked/.test(f.message)),
    JSON.stringify(findings),
  );
});
