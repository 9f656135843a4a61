import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, afterEach, before, test } from "node:test";
import { credentialKinds } from "../../../src/composition/credential-kinds.ts";
import { VendorError } from "../../../src/connectors/http/index.ts";
import { untilNextWindowMs } from "../../../src/connectors/hudu/errors.ts";
import { hudu } from "../../../src/connectors/hudu/module.ts";
import type { ConnectorRuntime } from "../../../src/connectors/module.ts";
import { LifecycleError } from "../../../src/domain/errors.ts";
import { huduDemo, startHuduEmulator, type HuduEmulator } from "../../../emulators/hudu/index.ts";
import { apiCalls, globexDocs, globexSection } from "./support.ts";

const globex = huduDemo.companies.globex.id;
const people = huduDemo.peopleLayout.id;

let emulator: HuduEmulator;
let tomId: string;
before(async () => {
  emulator = await startHuduEmulator({ profile: "fast", seed: "demo" });
  tomId = String(emulator.admin.assets().find((a) => a.name === "Tom Williams")!.id);
  // Another client's person with the same address, and a Globex asset of another layout: neither is Tom.
  emulator.admin.addLayout({ id: 9, name: "Computers", fields: [{ label: "Owner Email" }] });
  emulator.admin.addAsset({
    companyId: 4,
    layoutId: people,
    name: "Tom Elsewhere",
    primaryMail: huduDemo.tom.email,
  });
  emulator.admin.addAsset({
    companyId: globex,
    layoutId: 9,
    name: "TOM-LAPTOP",
    primaryMail: huduDemo.tom.email,
  });
});
after(() => emulator.close());
afterEach(() => {
  emulator.admin.clearFaults();
  emulator.admin.configure({
    throttle: { requests: 300, windowMs: 60_000, retryAfterHeader: false },
    passwordRequired: false,
  });
});

const rejection = async (p: Promise<unknown>): Promise<LifecycleError> => {
  try {
    await p;
  } catch (error) {
    if (error instanceof LifecycleError) return error;
    throw error;
  }
  assert.fail("expected a LifecycleError");
};

const unique = () => randomUUID().slice(0, 8);

function runtime(): ConnectorRuntime {
  const shared = new Map<string, unknown>();
  return {
    shared<T>(key: string, make: () => T): T {
      if (!shared.has(key)) shared.set(key, make());
      return shared.get(key) as T;
    },
  };
}

test("finds Tom among Globex's People by his address, in any case, with the key in x-api-key", async () => {
  const { docs } = globexDocs(emulator);
  emulator.admin.clearCalls();
  const tom = await docs.findPerson("TWilliams@Globex.de");
  assert.deepEqual(tom && { ...tom, url: undefined }, {
    id: tomId,
    name: "Tom Williams",
    email: huduDemo.tom.email,
    retired: false,
    url: undefined,
  });
  assert.match(tom?.url ?? "", /^http:\/\/127\.0\.0\.1:\d+\/a\/tom-williams-/);
  const [call] = apiCalls(emulator);
  const query = new URL(call!.url, "http://x").searchParams;
  assert.equal(call!.route, "/api/v1/assets");
  assert.equal(query.get("company_id"), String(globex));
  assert.equal(query.get("asset_layout_id"), String(people));
  assert.equal(query.get("search"), "TWilliams@Globex.de");
  assert.equal(query.get("archived"), "false");
  assert.equal(call!.keyName, huduDemo.keyName);
});

test("a person whose address is only in the layout's email field is found by it", async () => {
  const email = `fieldonly-${unique()}@globex.de`;
  const asset = emulator.admin.addAsset({
    companyId: globex,
    layoutId: people,
    name: "Field Only",
    fields: { "Email Address": email },
  });
  const { docs } = globexDocs(emulator);
  assert.equal((await docs.findPerson(email.toUpperCase()))?.id, String(asset.id));
  assert.equal(await docs.findPerson(`x${email}`), undefined);
});

test("an archived person is still found, as retired; a live one with the address wins", async () => {
  const email = `gone-${unique()}@globex.de`;
  const gone = emulator.admin.addAsset({
    companyId: globex,
    layoutId: people,
    name: "Gone",
    primaryMail: email,
    archived: true,
  });
  const { docs } = globexDocs(emulator);
  emulator.admin.clearCalls();
  assert.deepEqual(await docs.findPerson(email), {
    id: String(gone.id),
    name: "Gone",
    email,
    retired: true,
    url: (await docs.findPerson(email))?.url,
  });
  assert.deepEqual(
    apiCalls(emulator)
      .slice(0, 2)
      .map((c) => new URL(c.url, "http://x").searchParams.get("archived")),
    ["false", "true"],
  );
  const live = emulator.admin.addAsset({
    companyId: globex,
    layoutId: people,
    name: "Back",
    primaryMail: email,
  });
  assert.equal((await docs.findPerson(email))?.id, String(live.id));
});

test("pages through the search's matches until a short page, page 1 first", async () => {
  const tag = unique();
  const email = `${tag}@globex.de`;
  for (let i = 0; i < 4; i++)
    emulator.admin.addAsset({
      companyId: globex,
      layoutId: people,
      name: `Near ${i}`,
      primaryMail: `n${i}${email}`,
    });
  const target = emulator.admin.addAsset({
    companyId: globex,
    layoutId: people,
    name: "Target",
    primaryMail: email,
  });
  const { docs } = globexDocs(emulator, { section: { pageSize: 2 } });
  emulator.admin.clearCalls();
  assert.equal((await docs.findPerson(email))?.id, String(target.id));
  const pages = apiCalls(emulator).map((c) => new URL(c.url, "http://x").searchParams);
  assert.deepEqual(
    pages.map((q) => [q.get("archived"), q.get("page"), q.get("page_size")]),
    [
      ["false", "1", "2"],
      ["false", "2", "2"],
      ["false", "3", "2"],
    ],
  );
});

test("creates a person only after finding none: the asset, its custom fields by label, a 201", async () => {
  const email = `sarah-${unique()}@globex.de`;
  const { docs } = globexDocs(emulator);
  assert.equal(await docs.findPerson(email), undefined);
  emulator.admin.clearCalls();
  const created = await docs.createPerson({
    firstName: "Sarah",
    lastName: "Johnson",
    email,
    title: "Accountant",
    phone: "+49 30 1234",
    notes: "Finance, starts 1 March",
  });
  const [post] = apiCalls(emulator);
  assert.equal(
    `${post!.method} ${post!.route} ${post!.status}`,
    "POST /api/v1/companies/:company_id/assets 201",
  );
  assert.equal(post!.url, `/api/v1/companies/${globex}/assets`);
  assert.deepEqual(post!.requestBody, {
    asset: {
      name: "Sarah Johnson",
      asset_layout_id: people,
      primary_mail: email,
      custom_fields: [
        { email_address: email },
        { title: "Accountant" },
        { phone: "+49 30 1234" },
        { notes: "Finance, starts 1 March" },
      ],
    },
  });
  assert.equal(created.retired, false);
  assert.equal(created.email, email);
  const stored = emulator.admin.asset(Number(created.id));
  assert.deepEqual(stored.fields, {
    "Email Address": email,
    Title: "Accountant",
    Phone: "+49 30 1234",
    Notes: "Finance, starts 1 March",
  });
  // The retried plan finds what the first attempt made.
  assert.equal((await docs.findPerson(email))?.id, created.id);
});

test("a field the layout does not have is Hudu's 422, with its status, message and request id", async () => {
  const { docs } = globexDocs(emulator, { section: { fields: { phone: "Mobile Phone" } } });
  emulator.admin.clearCalls();
  const error = await rejection(
    docs.createPerson({ firstName: "A", lastName: "B", email: `ab-${unique()}@globex.de`, phone: "1" }),
  );
  const [call] = apiCalls(emulator);
  assert.equal(error.failure.kind, "invalid");
  assert.equal(error.failure.code, "VENDOR_INVALID");
  assert.equal(error.failure.vendor?.status, 422);
  assert.equal(error.failure.requestId, call!.requestId);
  assert.match(error.message, /Unknown custom field: mobile_phone/);
  // Nothing was made of it.
  assert.equal(emulator.admin.assets().filter((a) => a.name === "A B").length, 0);
});

test("retiring keeps the note in the notes field, then archives; again it adds nothing", async () => {
  const { docs } = globexDocs(emulator);
  const person = await docs.createPerson({
    firstName: "Leo",
    lastName: "Fit",
    email: `leo-${unique()}@globex.de`,
    notes: "Sales",
  });
  emulator.admin.clearCalls();
  await docs.retirePerson(person.id, "Offboarded 2026-12-02: licences released");
  assert.deepEqual(
    apiCalls(emulator).map((c) => `${c.method} ${c.route} ${c.status}`),
    [
      "GET /api/v1/companies/:company_id/assets/:id 200",
      "PUT /api/v1/companies/:company_id/assets/:id 200",
      "PUT /api/v1/companies/:company_id/assets/:id/archive 200",
    ],
  );
  const stored = emulator.admin.asset(Number(person.id));
  assert.equal(stored.archived, true);
  assert.equal(stored.fields.Notes, "Sales\n\nOffboarded 2026-12-02: licences released");
  emulator.admin.clearCalls();
  await docs.retirePerson(person.id, "Offboarded 2026-12-02: licences released");
  assert.deepEqual(
    apiCalls(emulator).map((c) => c.method),
    ["GET"],
  );
  assert.equal((await docs.findPerson(stored.primary_mail!))?.retired, true);
});

test("a retirement cut off after its note resumes with the archive, not a second note", async () => {
  const { docs } = globexDocs(emulator, { maxRetries: 0 });
  const person = await docs.createPerson({
    firstName: "Cut",
    lastName: "Off",
    email: `cut-${unique()}@globex.de`,
  });
  emulator.admin.injectFault({ kind: "status", status: 503, pathPattern: "/archive", method: "PUT" });
  const error = await rejection(docs.retirePerson(person.id, "Left on Friday"));
  assert.equal(error.failure.kind, "transient");
  emulator.admin.clearCalls();
  await docs.retirePerson(person.id, "Left on Friday");
  assert.deepEqual(
    apiCalls(emulator).map((c) => c.method),
    ["GET", "PUT"],
  );
  const stored = emulator.admin.asset(Number(person.id));
  assert.equal(stored.archived, true);
  assert.equal(stored.fields.Notes, "Left on Friday");
});

test("retiring a person Hudu does not have (a 404) is done", async () => {
  const { docs } = globexDocs(emulator);
  await docs.retirePerson("999999", "gone");
  // Another client's asset is not found under Globex either.
  const other = emulator.admin.assets().find((a) => a.company_id === 4)!;
  await docs.retirePerson(String(other.id), "not ours");
  assert.equal(emulator.admin.asset(other.id).archived, false);
  await assert.rejects(
    docs.retirePerson("tom", "x"),
    (e: LifecycleError) => e.failure.code === "OBJECT_NOT_FOUND",
  );
});

test("finds Tom's password entry by name and link, live or archived, and never keeps its secret", async () => {
  const { docs } = globexDocs(emulator);
  emulator.admin.clearCalls();
  const found = await docs.findCredential(tomId, huduDemo.tom.credentialName);
  const entry = emulator.admin.passwords().find((p) => p.name === huduDemo.tom.credentialName)!;
  assert.deepEqual(found, {
    id: String(entry.id),
    name: huduDemo.tom.credentialName,
    username: huduDemo.tom.email,
    archived: false,
  });
  assert.ok(!JSON.stringify(found).includes(entry.password));
  const query = new URL(apiCalls(emulator)[0]!.url, "http://x").searchParams;
  assert.deepEqual(
    [query.get("company_id"), query.get("name")],
    [String(globex), huduDemo.tom.credentialName],
  );
  // The same name linked to somebody else is not Tom's.
  const other = emulator.admin.assets().find((a) => a.name === "Field Only")!;
  assert.equal(await docs.findCredential(String(other.id), huduDemo.tom.credentialName), undefined);
  assert.equal(await docs.findCredential("not-an-id", huduDemo.tom.credentialName), undefined);
});

test("stores a credential linked to the person, the secret sent once and kept nowhere else", async () => {
  const { docs } = globexDocs(emulator);
  const person = await docs.createPerson({
    firstName: "Mia",
    lastName: "Key",
    email: `mia-${unique()}@globex.de`,
  });
  const secret = `S3cret-${randomUUID()}`;
  const name = "Mia Key – Microsoft 365";
  assert.equal(await docs.findCredential(person.id, name), undefined);
  emulator.admin.clearCalls();
  const stored = await docs.storeCredential({
    name,
    username: "mia@globex.de",
    secret,
    url: "https://portal.office.com",
    notes: "Onboarding of Mia; pass sent to her manager",
    personId: person.id,
  });
  assert.deepEqual({ ...stored, id: "" }, { id: "", name, username: "mia@globex.de", archived: false });
  const entry = emulator.admin.passwords().find((p) => String(p.id) === stored.id)!;
  assert.deepEqual(
    {
      password: entry.password,
      description: entry.description,
      passwordable_type: entry.passwordable_type,
      passwordable_id: entry.passwordable_id,
      company_id: entry.company_id,
      url: entry.url,
    },
    {
      password: secret,
      description: "Onboarding of Mia; pass sent to her manager",
      passwordable_type: "Asset",
      passwordable_id: Number(person.id),
      company_id: globex,
      url: "https://portal.office.com",
    },
  );
  assert.ok(!JSON.stringify(stored).includes(secret));
  assert.ok(!JSON.stringify(emulator.admin.calls()).includes(secret), "the request log holds the secret");
  assert.deepEqual(await docs.findCredential(person.id, name), stored);
});

test("a pass-only credential is stored without a password member", async () => {
  const { docs } = globexDocs(emulator);
  const person = await docs.createPerson({
    firstName: "Pat",
    lastName: "Pass",
    email: `pat-${unique()}@globex.de`,
  });
  emulator.admin.clearCalls();
  await docs.storeCredential({
    name: "Pat – TAP",
    username: "pat@globex.de",
    notes: "TAP went to the manager",
    personId: person.id,
  });
  const body = apiCalls(emulator)[0]!.requestBody as { asset_password: Record<string, unknown> };
  assert.equal("password" in body.asset_password, false);
  assert.equal(body.asset_password.description, "TAP went to the manager");
});

test("a refused store never carries the secret in the error, whatever Hudu said", async () => {
  const { docs } = globexDocs(emulator);
  const secret = `Refused-${randomUUID()}`;
  emulator.admin.injectFault({
    kind: "status",
    status: 422,
    pathPattern: "/asset_passwords",
    method: "POST",
  });
  const error = await rejection(
    docs.storeCredential({ name: "X", username: "x", secret, notes: "n", personId: tomId }),
  );
  assert.equal(error.failure.vendor?.status, 422);
  assert.equal(error.failure.code, "VENDOR_INVALID");
  assert.ok(
    !JSON.stringify({ ...error.failure, message: error.message, stack: error.stack }).includes(secret),
  );
  // A key without password access is refused as Hudu refuses it, the secret not in that error either.
  emulator.admin.addApiKey({ key: "no-passwords-key-1", name: "Docs only", passwordAccess: false });
  const scoped = globexDocs(emulator, { apiKey: "no-passwords-key-1" }).docs;
  const refused = await rejection(
    scoped.storeCredential({ name: "X", username: "x", secret, notes: "n", personId: tomId }),
  );
  assert.equal(refused.failure.code, "AUTH_FAILED");
  assert.ok(!JSON.stringify(refused.failure).includes(secret));
});

test("retiring a credential archives it; again, or one Hudu does not have, is done", async () => {
  const { docs } = globexDocs(emulator);
  const person = await docs.createPerson({
    firstName: "Ro",
    lastName: "Tate",
    email: `ro-${unique()}@globex.de`,
  });
  const stored = await docs.storeCredential({
    name: "Ro – M365",
    username: "ro",
    secret: "x1",
    notes: "n",
    personId: person.id,
  });
  emulator.admin.clearCalls();
  await docs.retireCredential(stored.id, "offboarded");
  await docs.retireCredential(stored.id, "offboarded");
  assert.deepEqual(
    apiCalls(emulator).map((c) => `${c.method} ${c.route} ${c.status}`),
    ["PUT /api/v1/asset_passwords/:id/archive 200", "PUT /api/v1/asset_passwords/:id/archive 200"],
  );
  assert.deepEqual(await docs.findCredential(person.id, "Ro – M365"), { ...stored, archived: true });
  await docs.retireCredential("987654", "gone");
});

test("a 429 with Retry-After is waited out and the call made again", async () => {
  const { docs } = globexDocs(emulator);
  emulator.admin.injectFault({
    kind: "status",
    status: 429,
    retryAfterSeconds: 0.05,
    pathPattern: "/assets",
  });
  emulator.admin.clearCalls();
  assert.equal((await docs.findPerson(huduDemo.tom.email))?.id, tomId);
  const calls = apiCalls(emulator);
  assert.deepEqual(
    calls.map((c) => c.status),
    [429, 200],
  );
  assert.equal(calls[0]!.retryAfter, "0.05");
});

test("Rack::Attack's 429 without Retry-After hands the wait to the engine: until the window's end", async () => {
  // No retry here: near a minute's end the wait is short enough to sleep through, and then it would pass.
  const { docs } = globexDocs(emulator, { maxRetries: 0 });
  emulator.admin.exhaust();
  const error = await rejection(docs.findPerson(huduDemo.tom.email));
  assert.equal(error.failure.kind, "throttled");
  assert.equal(error.failure.code, "THROTTLED");
  assert.equal(error.failure.vendor?.status, 429);
  assert.match(error.message, /Retry later/);
  const wait = error.failure.retryAfterMs ?? 0;
  assert.ok(wait > 1_000 && wait <= 61_000, `waits ${wait} ms`);
  // 12:02:00.5 in a 60-second window: the next one starts at 12:03:00, and a second more for skew.
  assert.equal(untilNextWindowMs(60, Date.UTC(2026, 11, 2, 12, 2, 0, 500)), 60_500);
});

test("a wrong key is Hudu's 401, surfaced with status and request id", async () => {
  const { docs } = globexDocs(emulator, { apiKey: "not-the-key" });
  emulator.admin.clearCalls();
  const error = await rejection(docs.findPerson(huduDemo.tom.email));
  assert.ok(error instanceof VendorError);
  assert.equal(error.failure.kind, "permission");
  assert.equal(error.failure.code, "AUTH_FAILED");
  assert.equal(error.status, 401);
  assert.equal(error.failure.requestId, apiCalls(emulator)[0]!.requestId);
  assert.match(error.failure.vendor?.body ?? "", /Invalid API key/);
  assert.ok(!JSON.stringify(error.failure).includes("not-the-key"));
});

test("the client's section is checked by the connector's schema, naming each bad field", () => {
  const result = hudu.open(
    { baseUrl: "ftp://hudu", companyId: "3", peopleLayoutId: 0, fields: { email: "" }, extra: true },
    { apiKey: "k" },
    runtime(),
  );
  assert.ok(!result.ok);
  assert.deepEqual(result.errors.map((e) => e.field).sort(), [
    "baseUrl",
    "companyId",
    "extra",
    "fields.email",
    "peopleLayoutId",
  ]);
  const keyless = hudu.open(globexSection(emulator), {}, runtime());
  assert.ok(!keyless.ok);
  assert.deepEqual(
    keyless.errors.map((e) => e.field),
    ["apiKey"],
  );
  const opened = hudu.open(
    globexSection(emulator, { baseUrl: `${emulator.url}/api/v1/` }),
    { apiKey: "k" },
    runtime(),
  );
  assert.ok(opened.ok && opened.value.docs);
  assert.ok(credentialKinds.get("hudu-api-key")?.safeParse({ apiKey: huduDemo.apiKey }).success);
});

test("testing the connection reads the client's company: a good key passes, a bad key or company fails", async () => {
  const good = await hudu.testConnection!(globexSection(emulator), { apiKey: huduDemo.apiKey }, runtime());
  assert.ok(good.ok);
  const badKey = await rejection(
    hudu.testConnection!(globexSection(emulator), { apiKey: "wrong" }, runtime()),
  );
  assert.equal(`${badKey.failure.code}:${badKey.failure.vendor?.status}`, "AUTH_FAILED:401");
  const badCompany = await rejection(
    hudu.testConnection!(globexSection(emulator, { companyId: 77 }), { apiKey: huduDemo.apiKey }, runtime()),
  );
  assert.equal(`${badCompany.failure.code}:${badCompany.failure.vendor?.status}`, "OBJECT_NOT_FOUND:404");
  const invalid = await hudu.testConnection!({ companyId: 3 }, { apiKey: "k" }, runtime());
  assert.ok(!invalid.ok);
});
