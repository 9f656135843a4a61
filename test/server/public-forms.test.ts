import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { randomBytes } from "node:crypto";
import { keyring, type KeySource } from "../../src/credentials/keys.ts";
import { tokenHash } from "../../src/credentials/one-time-links.ts";
import { LifecycleError } from "../../src/domain/errors.ts";
import { parseClientConfig, type ClientConfig } from "../../src/domain/client.ts";
import type { Capabilities } from "../../src/ports/index.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { catalog } from "../../src/actions/define.ts";
import { sqlStepQueue } from "../../src/engine/sql-step-queue.ts";
import { createWorker } from "../../src/engine/worker.ts";
import type { NoPorts } from "../support/test-actions.ts";
import { memoryDirectory, memoryTenant } from "../support/connectors/memory-directory/directory.ts";
import { testClientConfig } from "../support/engine-helpers.ts";
import { signedInServer, staffToken } from "../support/signed-in.ts";
import { assertMatchesDocument, countRows, fieldsOf, json, openapi, type ErrorReply } from "./helpers.ts";

/**
 * The client-facing forms: a link per client and kind, made by staff, opening only its own client's form,
 * directory and runs. A run it submits is the link's (not staff's), and its status is read with a token
 * of its own.
 */
let store: Store;
let app: FastifyInstance & { token: string };
let doc: Awaited<ReturnType<typeof openapi>>;
let now = new Date("2025-03-03T08:00:00Z");
const ring = keyring(randomBytes(32));
const keys: KeySource = () => ring;
const publicUrl = "https://lifecycle.test";

function client(id: string, patch: Partial<Record<string, unknown>> = {}): ClientConfig {
  const base = testClientConfig(id);
  const parsed = parseClientConfig({
    ...base,
    approval: { ...base.approval, onboarding: "technician" },
    groupsByDepartment: { Sales: ["Sales", `sales@${id}.example.com`] },
    licensesByRole: { staff: ["SPB"], intern: ["EXCHANGESTANDARD"] },
    identity: { mfaRegistrationGroup: "MFA registration" },
    ...patch,
  });
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.value;
}

async function seedPerson(tenant: ReturnType<typeof memoryTenant>, upn: string, displayName: string) {
  const dir = memoryDirectory(tenant);
  await dir.createUser({
    upn,
    displayName,
    givenName: displayName.split(" ")[0]!,
    surname: displayName.split(" ")[1]!,
    mailNickname: upn.split("@")[0]!,
    usageLocation: "DE",
    department: "Sales",
    jobTitle: "Manager",
    password: "unused-here-1!A",
  });
}

before(async () => {
  store = await openStore({ keys });
  await upsertClient(store, client("acme"));
  await upsertClient(store, client("globex"));
  await upsertClient(store, client("initech"));
  const acmeTenant = memoryTenant();
  const globexTenant = memoryTenant();
  await seedPerson(acmeTenant, "mike.chen@acme.example.com", "Mike Chen");
  await seedPerson(acmeTenant, "mia.stone@acme.example.com", "Mia Stone");
  await seedPerson(globexTenant, "milo.grant@globex.example.com", "Milo Grant");
  const caps = new Map<string, Capabilities>([
    ["acme", { directory: memoryDirectory(acmeTenant) }],
    ["globex", { directory: memoryDirectory(globexTenant) }],
    // A directory that fails, saying why in words only the MSP should read.
    [
      "initech",
      {
        directory: {
          ...memoryDirectory(memoryTenant()),
          searchPeople: () =>
            Promise.reject(
              new LifecycleError({
                kind: "invalid",
                code: "NOT_CONFIGURED",
                message: 'client initech, system entra: credential "initech/graph-app" is not in the store',
              }),
            ),
        },
      },
    ],
  ]);
  app = await signedInServer({
    store,
    keys,
    now: () => now,
    publicUrl: () => publicUrl,
    ports: async (c) => (c ? (caps.get(c.id) ?? {}) : {}),
  });
  doc = await openapi(app);
});

after(async () => {
  await app.close();
  await store.close();
});

const tokenOf = (url: string) => url.slice(url.lastIndexOf("/") + 1);

async function issue(clientId: string, body: Record<string, unknown> = { kind: "onboard" }) {
  const res = await app.inject({ method: "POST", url: `/api/clients/${clientId}/form-links`, payload: body });
  assert.equal(res.statusCode, 201, res.body);
  const made = json<{ id: string; url: string; kind: string; expiresAt: string; label: string | null }>(res);
  return { ...made, token: tokenOf(made.url) };
}

// No bearer token: the link is the only credential these routes take.
const anon = { authorization: "" };
const pub = (method: "GET" | "POST", url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  app.inject({
    method,
    url,
    headers: { ...anon, ...headers },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

const onboarding = (overrides: Record<string, unknown> = {}) => ({
  firstName: "Jane",
  lastName: "Doe",
  start: "now",
  requester: "hr@acme.example.com",
  manager: "mike.chen@acme.example.com",
  department: "Sales",
  ...overrides,
});

const errorOf = (res: LightMyRequestResponse) => json<ErrorReply>(res).error;

describe("form links, as staff make them", () => {
  test("issue answers the link once; the list shows it without its token; revoke ends it, audited", async () => {
    const made = await issue("acme", { kind: "offboard", label: "HR, Jane Roe", days: 7 });
    assert.equal(made.kind, "offboard");
    assert.equal(made.label, "HR, Jane Roe");
    assert.match(made.url, /^https:\/\/lifecycle\.test\/forms\/[A-Za-z0-9_-]{43}$/);
    assert.equal(Date.parse(made.expiresAt), now.getTime() + 7 * 86_400_000);
    const [row] = await store.query<{ token_hash: string }>(
      "select token_hash from form_links where id = $1",
      [made.id],
    );
    assert.equal(row?.token_hash, tokenHash(made.token), "only the hash is kept");

    const listed = await app.inject({ method: "GET", url: "/api/clients/acme/form-links" });
    assert.equal(listed.statusCode, 200);
    assertMatchesDocument(doc, "GET", "/api/clients/{id}/form-links", listed);
    assert.ok(!listed.body.includes(made.token), "the list never holds a token");
    const mine = json<{ id: string; state: string }[]>(listed).find((l) => l.id === made.id);
    assert.equal(mine?.state, "active");
    const other = json<unknown[]>(await app.inject({ method: "GET", url: "/api/clients/globex/form-links" }));
    assert.ok(!JSON.stringify(other).includes(made.id), "another client's list does not show it");

    const revoked = await app.inject({ method: "DELETE", url: `/api/clients/acme/form-links/${made.id}` });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assertMatchesDocument(doc, "DELETE", "/api/clients/{id}/form-links/{linkId}", revoked);
    assert.equal(json<{ state: string }>(revoked).state, "revoked");
    const again = await app.inject({ method: "DELETE", url: `/api/clients/acme/form-links/${made.id}` });
    assert.equal(json<{ state: string }>(again).state, "revoked");
    // Another client's link is not found through this one's path.
    const b = await issue("globex");
    const cross = await app.inject({ method: "DELETE", url: `/api/clients/acme/form-links/${b.id}` });
    assert.equal(cross.statusCode, 404);

    const audit = await store.query<{ action: string; subject: string; detail: string }>(
      "select action, subject, detail::text from audit_log where subject = $1 order by id",
      [made.id],
    );
    assert.deepEqual(
      audit.map((a) => a.action),
      ["form-link.issue", "form-link.revoke"],
      "issued and revoked once each",
    );
    assert.ok(audit.every((a) => !a.detail.includes(made.token)));
  });

  test("bad input is a field error naming the field, and stores nothing", async () => {
    const [{ n: before } = { n: 0 }] = await store.query<{ n: number }>(
      "select count(*)::int as n from form_links",
    );
    for (const [body, field] of [
      [{ kind: "hire" }, "kind"],
      [{ kind: "onboard", days: 366 }, "days"],
      [{ kind: "onboard", days: 0 }, "days"],
      [{ kind: "onboard", label: "" }, "label"],
      [{ kind: "onboard", extra: 1 }, "extra"],
    ] as const) {
      const res = await app.inject({ method: "POST", url: "/api/clients/acme/form-links", payload: body });
      assert.equal(res.statusCode, 400, res.body);
      assert.deepEqual(fieldsOf(res), [field], JSON.stringify(body));
    }
    const unknown = await app.inject({
      method: "POST",
      url: "/api/clients/nobody/form-links",
      payload: { kind: "onboard" },
    });
    assert.equal(unknown.statusCode, 404);
    const [{ n: afterwards } = { n: 0 }] = await store.query<{ n: number }>(
      "select count(*)::int as n from form_links",
    );
    assert.equal(afterwards, before);
  });

  test("staff limited to one client cannot make or list another's links, nor search its people", async () => {
    const token = await staffToken(store, {
      role: "technician",
      email: "tech-globex@msp.test",
      clients: ["globex"],
    });
    const as = { authorization: `Bearer ${token}` };
    for (const [method, url] of [
      ["POST", "/api/clients/acme/form-links"],
      ["GET", "/api/clients/acme/form-links"],
      ["GET", "/api/clients/acme/people?q=mi"],
    ] as const) {
      const res = await app.inject({
        method,
        url,
        headers: as,
        ...(method === "POST" ? { payload: { kind: "onboard" } } : {}),
      });
      assert.equal(res.statusCode, 403, `${method} ${url}: ${res.body}`);
    }
    const own = await app.inject({ method: "GET", url: "/api/clients/globex/people?q=mi", headers: as });
    assert.equal(own.statusCode, 200, own.body);
    assertMatchesDocument(doc, "GET", "/api/clients/{id}/people", own);
    assert.deepEqual(
      json<{ people: { userPrincipalName: string }[] }>(own).people.map((p) => p.userPrincipalName),
      ["milo.grant@globex.example.com"],
    );
  });
});

describe("the public form API", () => {
  test("a link opens its client's form, with what departments and roles imply, never cached", async () => {
    const { token } = await issue("acme");
    const res = await pub("GET", `/api/public/forms/${token}`);
    assert.equal(res.statusCode, 200, res.body);
    assertMatchesDocument(doc, "GET", "/api/public/forms/{token}", res);
    assert.equal(res.headers["cache-control"], "no-store");
    const body = json<{
      kind: string;
      client: { id: string; domains: string[]; timeZone: string };
      form: { client: string; fields: { key: string; choices?: string[] }[] };
      implications: {
        everyone: { groups: string[] };
        departments: Record<string, { groups: string[]; distributionLists: string[] }>;
        roles: Record<string, { licences: string[] }>;
      };
    }>(res);
    assert.equal(body.kind, "onboard");
    assert.deepEqual(body.client, {
      id: "acme",
      displayName: "Client acme",
      domains: ["acme.example.com"],
      timeZone: "Europe/Berlin",
    });
    assert.equal(body.form.client, "acme");
    assert.deepEqual(body.form.fields.find((f) => f.key === "department")?.choices, ["Sales"]);
    assert.deepEqual(body.implications.departments.Sales, {
      groups: ["Sales"],
      distributionLists: ["sales@acme.example.com"],
    });
    assert.deepEqual(body.implications.roles, {
      staff: { licences: ["SPB"] },
      intern: { licences: ["EXCHANGESTANDARD"] },
    });
    assert.deepEqual(body.implications.everyone.groups, ["MFA registration"]);

    const off = await issue("acme", { kind: "offboard" });
    const offForm = json<{ kind: string; implications: unknown }>(
      await pub("GET", `/api/public/forms/${off.token}`),
    );
    assert.equal(offForm.kind, "offboard");
    assert.equal(offForm.implications, null);

    const page = await pub("GET", `/forms/${token}`, undefined, { accept: "text/html" });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers["content-type"] as string, /text\/html/);
    assert.ok(!page.body.includes(token), "the page does not repeat its token");
  });

  test("people: the link's own client's directory only, at least 2 characters", async () => {
    const a = await issue("acme");
    const res = await pub("GET", `/api/public/forms/${a.token}/people?q=mi`);
    assert.equal(res.statusCode, 200, res.body);
    assertMatchesDocument(doc, "GET", "/api/public/forms/{token}/people", res);
    const found = json<{ people: { userPrincipalName: string; department?: string; jobTitle?: string }[] }>(
      res,
    ).people;
    assert.deepEqual(
      found.map((p) => p.userPrincipalName),
      ["mia.stone@acme.example.com", "mike.chen@acme.example.com"],
    );
    assert.equal(found[0]?.department, "Sales");
    assert.ok(!res.body.includes("milo.grant"), "globex's people are not acme's");
    assert.ok(!/"id"/.test(res.body), "no directory ids");
    const short = await pub("GET", `/api/public/forms/${a.token}/people?q=m`);
    assert.equal(short.statusCode, 400);
    assert.deepEqual(fieldsOf(short), ["q"]);
    const b = await issue("globex");
    const theirs = json<{ people: { userPrincipalName: string }[] }>(
      await pub("GET", `/api/public/forms/${b.token}/people?q=mi`),
    ).people;
    assert.deepEqual(
      theirs.map((p) => p.userPrincipalName),
      ["milo.grant@globex.example.com"],
    );
  });

  test("people: a directory that fails answers 503 without saying why", async () => {
    const { token } = await issue("initech");
    const res = await pub("GET", `/api/public/forms/${token}/people?q=mi`);
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(errorOf(res).code, "LC_ERR_UNAVAILABLE");
    assert.ok(!/credential|entra|initech/.test(res.body), res.body);
  });

  test("preview: the dry run for the link's client; a body naming another client is a field error on client", async () => {
    const { token } = await issue("acme");
    const before = await countRows(store);
    const res = await pub("POST", `/api/public/forms/${token}/preview`, onboarding());
    assert.equal(res.statusCode, 200, res.body);
    assertMatchesDocument(doc, "POST", "/api/public/forms/{token}/preview", res);
    const preview = json<{ planHash: string; plan: { actions: { params: Record<string, unknown> }[] } }>(res);
    assert.match(preview.planHash, /^[0-9a-f]{64}$/);
    assert.equal(preview.plan.actions[0]?.params.upn, "jane.doe@acme.example.com");
    const named = await pub("POST", `/api/public/forms/${token}/preview`, onboarding({ client: "acme" }));
    assert.equal(named.statusCode, 200, "its own client may be named");

    const other = await pub("POST", `/api/public/forms/${token}/preview`, onboarding({ client: "globex" }));
    assert.equal(other.statusCode, 400);
    assert.deepEqual(fieldsOf(other), ["client"]);
    const bad = await pub("POST", `/api/public/forms/${token}/preview`, onboarding({ firstName: "" }));
    assert.equal(bad.statusCode, 400);
    assert.ok(fieldsOf(bad).includes("firstName"), bad.body);
    const list = await pub("POST", `/api/public/forms/${token}/preview`, [1]);
    assert.equal(list.statusCode, 400);
    assert.deepEqual(await countRows(store), before, "a preview stores nothing");
  });

  test("submit: the same key twice is one run; another client in the body is refused; the run is the link's", async () => {
    const { id: linkId, token } = await issue("acme");
    const before = await countRows(store);
    const key = randomUUID();
    const refused = await pub("POST", `/api/public/forms/${token}/submit`, onboarding({ client: "globex" }), {
      "idempotency-key": key,
    });
    assert.equal(refused.statusCode, 400);
    assert.deepEqual(fieldsOf(refused), ["client"]);
    const noKey = await pub("POST", `/api/public/forms/${token}/submit`, onboarding());
    assert.equal(noKey.statusCode, 400);
    assert.deepEqual(fieldsOf(noKey), ["idempotency-key"]);
    assert.deepEqual(await countRows(store), before, "refusals store nothing");

    const first = await pub("POST", `/api/public/forms/${token}/submit`, onboarding(), {
      "idempotency-key": key,
    });
    assert.equal(first.statusCode, 201, first.body);
    assertMatchesDocument(doc, "POST", "/api/public/forms/{token}/submit", first);
    const second = await pub("POST", `/api/public/forms/${token}/submit`, onboarding(), {
      "idempotency-key": key,
    });
    assert.equal(second.statusCode, 201, second.body);
    assert.equal(second.headers["idempotent-replayed"], "true");
    assert.deepEqual(json(second), json(first), "the same answer, the same status address");
    const after = await countRows(store);
    assert.equal(after.runs, before.runs + 1, "one run");
    const changed = await pub(
      "POST",
      `/api/public/forms/${token}/submit`,
      onboarding({ firstName: "Janet" }),
      {
        "idempotency-key": key,
      },
    );
    assert.equal(changed.statusCode, 409);

    const { runId, statusUrl, statusPage } = json<{ runId: string; statusUrl: string; statusPage: string }>(
      first,
    );
    assert.match(statusUrl, /^https:\/\/lifecycle\.test\/api\/public\/status\/[A-Za-z0-9_-]{43}$/);
    assert.equal(statusPage, `https://lifecycle.test/forms/status#status=${tokenOf(statusUrl)}`);
    const [run] = await store.query<{ client_id: string }>("select client_id from runs where id = $1", [
      runId,
    ]);
    assert.equal(run?.client_id, "acme");
    // Submitted by the link, not by staff: no account of theirs can be the requester the gate refuses.
    const [gate] = await store.query<{ params: { requestedBy: { emails: string[]; accountIds: string[] } } }>(
      "select params from actions where run_id = $1 and key = 'approval'",
      [runId],
    );
    assert.deepEqual(gate?.params.requestedBy, { emails: ["hr@acme.example.com"], accountIds: [] });
    const [audit] = await store.query<{ actor: string; detail: { submittedVia?: unknown } }>(
      "select actor, detail from audit_log where action = 'onboard.submit' and detail->>'runId' = $1",
      [runId],
    );
    assert.equal(audit?.actor, `form link ${linkId}`);
    assert.deepEqual(audit?.detail.submittedVia, { via: "form-link", formLinkId: linkId });
    const [created] = await store.query<{ detail: { submittedVia?: unknown } }>(
      "select detail from events where run_id = $1 and type = 'run.created'",
      [runId],
    );
    assert.deepEqual(created?.detail.submittedVia, { via: "form-link", formLinkId: linkId });
    const hashes = await store.query<{ status_token_hash: string }>(
      "select status_token_hash from form_submissions where run_id = $1",
      [runId],
    );
    assert.deepEqual(
      hashes,
      [{ status_token_hash: tokenHash(tokenOf(statusUrl)) }],
      "the status token as a hash",
    );

    // The same key on another link of the client is that link's own submission.
    const other = await issue("acme");
    const elsewhere = await pub(
      "POST",
      `/api/public/forms/${other.token}/submit`,
      onboarding({ firstName: "Joan", allowDuplicate: true }),
      { "idempotency-key": key },
    );
    assert.equal(elsewhere.statusCode, 201, elsewhere.body);
    assert.notEqual(json<{ runId: string }>(elsewhere).runId, runId);
  });

  test("the status address shows the run's progress, and nothing of another run; it outlives its form link", async () => {
    const { token, id } = await issue("acme");
    const res = await pub("POST", `/api/public/forms/${token}/submit`, onboarding({ firstName: "Ada" }), {
      "idempotency-key": randomUUID(),
    });
    assert.equal(res.statusCode, 201, res.body);
    const { runId, statusUrl } = json<{ runId: string; statusUrl: string }>(res);
    const path = new URL(statusUrl).pathname;
    const read = async () => {
      const r = await pub("GET", path);
      assert.equal(r.statusCode, 200, r.body);
      assertMatchesDocument(doc, "GET", "/api/public/status/{statusToken}", r);
      assert.equal(r.headers["cache-control"], "no-store");
      return json<{ status: string; subject: string; steps: { title: string; state: string }[] }>(r);
    };
    const waiting = await read();
    assert.equal(waiting.status, "awaiting-approval");
    assert.equal(waiting.subject, "ada.doe@acme.example.com");
    assert.equal(waiting.steps[0]?.state, "waiting", "the approval waits");
    assert.ok(waiting.steps.length > 1 && waiting.steps.every((s) => s.title));
    assert.ok(!JSON.stringify(waiting).includes(runId), "no run id on the status page");

    // Staff approve it, and a worker that runs only gates takes the approval: the page moves on.
    const { planHash } = json<{ planHash: string }>(
      await app.inject({ method: "GET", url: `/api/runs/${runId}` }),
    );
    const approved = await app.inject({
      method: "POST",
      url: `/api/runs/${runId}/approve`,
      payload: { planHash },
    });
    assert.equal(approved.statusCode, 200, approved.body);
    const worker = createWorker<NoPorts>({
      queue: sqlStepQueue(store),
      catalog: catalog<NoPorts>(),
      capabilities: () => ({}),
      id: "gates-only",
      tuning: { leaseMs: 2_000, backoffBaseMs: 20, backoffCapMs: 200, pollMs: 30, idleMs: 50 },
    });
    await worker.start();
    try {
      let moved = await read();
      for (const until = Date.now() + 10_000; moved.steps[0]?.state !== "succeeded"; moved = await read())
        if (Date.now() > until) assert.fail(`the approval did not go through: ${JSON.stringify(moved)}`);
        else await new Promise((r) => setTimeout(r, 30));
      assert.notEqual(moved.status, "awaiting-approval");
      assert.ok(
        moved.steps.slice(1).every((s) => s.state !== "succeeded"),
        "nothing else ran",
      );
    } finally {
      await worker.stop();
    }

    // One character off the real token: its first, which carries six bits (the last carries padding).
    const real = tokenOf(statusUrl);
    const oneOff = (real.startsWith("A") ? "B" : "A") + real.slice(1);
    for (const wrong of ["A".repeat(43), "x", oneOff]) {
      const r = await pub("GET", `/api/public/status/${wrong}`);
      assert.equal(r.statusCode, 404, wrong);
    }

    // Revoked the next day: the form is gone, the submitter's status page and its answer are not.
    await app.inject({ method: "DELETE", url: `/api/clients/acme/form-links/${id}` });
    assert.equal((await pub("GET", `/forms/${token}`)).statusCode, 410);
    assert.equal((await read()).subject, "ada.doe@acme.example.com");
    const page = await pub("GET", "/forms/status");
    assert.equal(page.statusCode, 200, page.body);
    assert.match(String(page.headers["content-type"]), /^text\/html/);
    assert.equal(page.headers["cache-control"], "no-store");
  });

  test("a link of client A cannot read, search or submit for client B, nor use a revoked or expired link", async () => {
    const b = await issue("globex");
    const revokedLink = await issue("acme");
    await app.inject({ method: "DELETE", url: `/api/clients/acme/form-links/${revokedLink.id}` });
    const expiring = await issue("acme", { kind: "onboard", days: 1 });
    const before = await countRows(store);
    // Globex's link reads only Globex.
    const form = json<{ client: { id: string } }>(await pub("GET", `/api/public/forms/${b.token}`));
    assert.equal(form.client.id, "globex");
    const asAcme = await pub("POST", `/api/public/forms/${b.token}/submit`, onboarding({ client: "acme" }), {
      "idempotency-key": randomUUID(),
    });
    assert.equal(asAcme.statusCode, 400);
    assert.deepEqual(fieldsOf(asAcme), ["client"]);

    now = new Date(now.getTime() + 2 * 86_400_000);
    try {
      for (const [link, message] of [
        [revokedLink.token, /revoked/],
        [expiring.token, /expired/],
      ] as const) {
        for (const [method, url, body] of [
          ["GET", `/api/public/forms/${link}`, undefined],
          ["GET", `/api/public/forms/${link}/people?q=mi`, undefined],
          ["POST", `/api/public/forms/${link}/preview`, onboarding()],
          ["POST", `/api/public/forms/${link}/submit`, onboarding()],
        ] as const) {
          const res = await pub(method, url, body, { "idempotency-key": randomUUID() });
          assert.equal(res.statusCode, 410, `${method} ${url}: ${res.body}`);
          assert.equal(errorOf(res).code, "LC_ERR_GONE");
          assert.match(errorOf(res).message, message);
          assert.ok(!res.body.includes("acme"), "nothing says whose link it was");
        }
        const page = await pub("GET", `/forms/${link}`);
        assert.equal(page.statusCode, 410);
      }
    } finally {
      now = new Date(now.getTime() - 2 * 86_400_000);
    }
    for (const unknown of ["A".repeat(43), "short", "no such token"]) {
      const res = await pub("GET", `/api/public/forms/${unknown}`);
      assert.equal(res.statusCode, 404, unknown);
      assert.equal(errorOf(res).code, "LC_ERR_NOT_FOUND");
    }
    assert.deepEqual(await countRows(store), before, "nothing stored by any refusal");
  });
});

test("one address trying tokens is limited, and told when to try again", async () => {
  const remoteAddress = "203.0.113.7";
  const statuses: number[] = [];
  let last: LightMyRequestResponse | undefined;
  // One after the other: a burst sent at once is refused whole by the limiter's in-memory store.
  for (let i = 0; i < 121; i++) {
    last = await app.inject({
      method: "GET",
      url: `/api/public/forms/${"T".repeat(40)}${String(i).padStart(3, "0")}`,
      headers: anon,
      remoteAddress,
    });
    statuses.push(last.statusCode);
  }
  assert.equal(statuses.filter((s) => s === 404).length, 120, "a minute's budget of unknown tokens");
  assert.ok(last);
  assert.equal(last.statusCode, 429, "the 121st in a minute is refused");
  assert.equal(errorOf(last).code, "LC_ERR_RATE_LIMITED");
  assert.ok(Number(last.headers["retry-after"]) > 0);
  assert.equal(last.headers["cache-control"], "no-store");
});
