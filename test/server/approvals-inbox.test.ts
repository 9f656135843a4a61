import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { parseClientConfig } from "../../src/domain/client.ts";
import { buildServer } from "../../src/server/app.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { testClientConfig } from "../support/engine-helpers.ts";
import { staffToken } from "../support/signed-in.ts";
import { assertMatchesDocument, json, manager, onboardingBody, seedApprovingClient } from "./helpers.ts";

let store: Store;
let app: FastifyInstance;
const token: Record<string, string> = {};
let acmeRun: { runId: string; planHash: string };
let globexRun: { runId: string; planHash: string };

type Pending = {
  runId: string;
  clientId: string;
  kind: string;
  subject: string;
  requester: string;
  who: string;
  since: string;
  planHash: string;
  plan: { workflow: string | null; steps: { key: string; type: string; title: string }[] };
};

const as = (who: string, method: "GET" | "POST", url: string, payload?: unknown) =>
  app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token[who]}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
const inbox = async (who: string) => {
  const res = await as(who, "GET", "/api/approvals");
  assert.equal(res.statusCode, 200, res.body);
  return json<Pending[]>(res);
};
const runIds = async (who: string) => (await inbox(who)).map((p) => p.runId).sort();

before(async () => {
  store = await openStore({});
  // Acme: the manager approves. Globex: MSP staff who may approve.
  await seedApprovingClient(store, "acme");
  const globex = parseClientConfig({
    ...testClientConfig("globex"),
    approval: { onboarding: "technician" },
  });
  assert.ok(globex.ok);
  await upsertClient(store, globex.value);
  app = await buildServer({ store });
  token.tech = await staffToken(store, { role: "technician", email: "tech@msp.test" });
  // Limited to acme: staff who may approve on globex would see its run too (its policy is staff).
  token.mike = await staffToken(store, { role: "approver", email: manager, clients: ["acme"] });
  token.ann = await staffToken(store, { role: "approver", email: "ann@msp.test" });
  token.acmeApprover = await staffToken(store, { role: "approver", email: "al@msp.test", clients: ["acme"] });
  token.admin = await staffToken(store, { role: "admin", email: "admin@msp.test" });
  const submit = async (who: string, body: Record<string, unknown>) => {
    const res = await as(who, "POST", "/api/requests/onboard", onboardingBody(body));
    assert.equal(res.statusCode, 201, res.body);
    return json<{ runId: string; planHash: string }>(res);
  };
  acmeRun = await submit("tech", {});
  globexRun = await submit("admin", {
    client: "globex",
    requester: "boss@globex.example.com",
    manager: "boss@globex.example.com",
  });
});
after(async () => {
  await app.close();
  await store.close();
});

test("the manager the policy names sees the run, with who asked, since when, and the plan to approve", async () => {
  const res = await as("mike", "GET", "/api/approvals");
  assertMatchesDocument(json(await as("admin", "GET", "/api/openapi.json")), "GET", "/api/approvals", res);
  const [pending, ...rest] = json<Pending[]>(res);
  assert.deepEqual(rest, []);
  assert.equal(pending?.runId, acmeRun.runId);
  assert.equal(pending?.planHash, acmeRun.planHash);
  assert.equal(pending?.clientId, "acme");
  assert.equal(pending?.kind, "onboard");
  assert.equal(pending?.subject, "jane.doe@acme.example.com");
  assert.equal(pending?.requester, "boss@acme.example.com");
  assert.match(pending?.who ?? "", /mike\.chen/);
  assert.ok(Date.parse(pending?.since ?? "") > Date.now() - 60_000);
  assert.equal(pending?.plan.workflow, "builtin:onboard@1");
  assert.ok(pending?.plan.steps.some((s) => s.key === "create-user" && s.type === "identity.create-user"));
});

test("staff who may approve see the runs the policy leaves to staff, of their clients only", async () => {
  assert.deepEqual(await runIds("ann"), [globexRun.runId]);
  // Acme's policy names the manager alone; globex is not this approver's.
  assert.deepEqual(await runIds("acmeApprover"), []);
});

test("the requester never sees their own request, and a role without approve is refused", async () => {
  // The admin submitted globex's run, and acme's policy does not name staff.
  assert.deepEqual(await runIds("admin"), []);
  assert.equal((await as("tech", "GET", "/api/approvals")).statusCode, 403);
});

test("a decided approval leaves the inbox", async () => {
  const res = await as("mike", "POST", `/api/runs/${acmeRun.runId}/approve`, { planHash: acmeRun.planHash });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(await runIds("mike"), []);
  const rejected = await as("ann", "POST", `/api/runs/${globexRun.runId}/reject`, { note: "not yet" });
  assert.equal(rejected.statusCode, 200, rejected.body);
  assert.deepEqual(await runIds("ann"), []);
});
