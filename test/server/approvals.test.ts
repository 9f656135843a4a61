import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { parseClientConfig } from "../../src/domain/client.ts";
import type { Plan } from "../../src/domain/plan.ts";
import { planHash } from "../../src/planner/hash.ts";
import { buildServer } from "../../src/server/app.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { testClientConfig } from "../support/engine-helpers.ts";
import { as, principal, signInWith } from "../support/staff.ts";
import {
  assertMatchesDocument,
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

// Acme's onboardings are approved by the manager (Mike); Globex's by MSP staff or its CEO.
const mike = principal(manager);
const boss = principal("boss@acme.example.com");
const eve = principal("eve@acme.example.com");
const admin = principal("admin@msp.example", "admin");
const ann = principal("ann@msp.example");
const viewer = principal("vic@msp.example", "viewer");
const ceo = "ceo@globex.example.com";

before(async () => {
  store = await openStore({});
  await seedApprovingClient(store, "acme");
  const globex = testClientConfig("globex");
  const parsed = parseClientConfig({
    ...globex,
    approval: { ...globex.approval, onboarding: { approvers: ["staff", { email: ceo }] } },
  });
  assert.ok(parsed.ok, JSON.stringify(parsed));
  await upsertClient(store, parsed.value);
  app = await buildServer({ store });
  signInWith(app, [mike, boss, eve, admin, ann, viewer]);
});

after(async () => {
  await app.close();
  await store.close();
});

async function submit(
  body: Record<string, unknown> = onboardingBody(),
  by?: ReturnType<typeof principal>,
): Promise<{ runId: string; planHash: string; plan: { approval?: unknown } }> {
  const res = await app.inject({
    method: "POST",
    url: "/api/requests/onboard",
    payload: body,
    ...(by ? { headers: as(by) } : {}),
  });
  assert.equal(res.statusCode, 201, res.body);
  return json(res);
}

const globexBody = (overrides: Record<string, unknown> = {}) =>
  onboardingBody({ client: "globex", requester: "hr@globex.example.com", manager: undefined, ...overrides });

const decide = (
  by: ReturnType<typeof principal> | undefined,
  runId: string,
  verb: "approve" | "reject",
  payload: Record<string, unknown>,
) =>
  app.inject({
    method: "POST",
    url: `/api/runs/${runId}/${verb}`,
    payload,
    ...(by ? { headers: as(by) } : {}),
  });

const signals = async (runId: string) =>
  (await store.query<{ n: number }>("select count(*)::int as n from signals where run_id = $1", [runId]))[0]
    ?.n;

test("the plan names who may approve, so its hash covers them", async () => {
  const { plan, planHash: hash } = await submit();
  assert.deepEqual(plan.approval, {
    who: `${manager} (manager)`,
    approvers: [{ kind: "person", email: manager, as: "manager" }],
  });
  const { approval: _approval, ...without } = plan as Plan;
  assert.equal(planHash(plan as Plan), hash);
  assert.notEqual(planHash(without), hash);
});

test("the requester may not approve their own request: 403 saying so, and nothing is recorded", async () => {
  // Named as the request's requester, and signed in as the one who submitted it.
  const named = await submit(globexBody({ requester: ann.email }));
  const byAnn = await submit(globexBody(), ann);
  for (const { runId, planHash } of [named, byAnn]) {
    const res = await decide(ann, runId, "approve", { planHash });
    assert.equal(res.statusCode, 403, res.body);
    const body = json<ErrorReply>(res);
    assert.equal(body.error.code, "LC_ERR_FORBIDDEN");
    assert.match(body.error.message, /requester never approves their own request/);
    assert.equal(await signals(runId), 0);
    assertMatchesDocument(await openapi(app), "POST", "/api/runs/{id}/approve", res);
  }
  // Another of the staff the policy names may.
  assert.equal((await decide(admin, byAnn.runId, "approve", { planHash: byAnn.planHash })).statusCode, 200);
});

test("an approver the policy does not name is refused 403, an admin included when only the manager may", async () => {
  const { runId, planHash } = await submit();
  for (const who of [eve, admin, boss]) {
    const res = await decide(who, runId, "approve", { planHash });
    assert.equal(res.statusCode, 403, `${who.email}: ${res.body}`);
    assert.equal(json<ErrorReply>(res).error.code, "LC_ERR_FORBIDDEN");
  }
  assert.match(
    json<ErrorReply>(await decide(admin, runId, "approve", { planHash })).error.message,
    /is not one who may approve this run: the client's policy names mike\.chen@acme\.example\.com \(manager\)/,
  );
  const rejected = await decide(eve, runId, "reject", {});
  assert.equal(rejected.statusCode, 403, "a stranger may not reject either");
  const byViewer = await decide(viewer, runId, "approve", { planHash });
  assert.equal(byViewer.statusCode, 403);
  assert.match(json<ErrorReply>(byViewer).error.message, /\(viewer\) may not approve/);
  assert.equal(await signals(runId), 0);
  assert.equal((await decide(mike, runId, "approve", { planHash })).statusCode, 200);
});

test("approving without the plan hash is a field error naming planHash", async () => {
  const { runId } = await submit();
  const res = await decide(mike, runId, "approve", { note: "looks fine" });
  assert.equal(res.statusCode, 400, res.body);
  assert.deepEqual(fieldsOf(res), ["planHash"]);
  assertMatchesDocument(await openapi(app), "POST", "/api/runs/{id}/approve", res);
  // The body's actor is no longer how an approver is named.
  const typed = await decide(mike, runId, "approve", { actor: manager, planHash: "x" });
  assert.deepEqual(fieldsOf(typed), ["actor"]);
  assert.equal(await signals(runId), 0);
});

test("without a signed-in principal there is nobody to decide: 401", async () => {
  const { runId, planHash } = await submit();
  const res = await decide(undefined, runId, "approve", { planHash });
  assert.equal(res.statusCode, 401, res.body);
  assert.equal(json<ErrorReply>(res).error.code, "LC_ERR_UNAUTHENTICATED");
  assertMatchesDocument(await openapi(app), "POST", "/api/runs/{id}/approve", res);
});

test("approving again answers as the first did, with one signal; rejecting after it is a 409", async () => {
  const { runId, planHash } = await submit();
  const first = await decide(mike, runId, "approve", { planHash });
  const again = await decide(mike, runId, "approve", { planHash, note: "still fine" });
  assert.equal(first.statusCode, 200, first.body);
  assert.equal(again.statusCode, 200, again.body);
  assert.equal(await signals(runId), 1);
  const events = json<{ events: { type: string }[] }>(again).events.filter(
    (e) => e.type === "approval.approved",
  );
  assert.equal(events.length, 1);
  const reject = await decide(mike, runId, "reject", { note: "changed my mind" });
  assert.equal(reject.statusCode, 409, reject.body);
  assert.match(json<ErrorReply>(reject).error.message, /already approved by mike\.chen@acme\.example\.com/);

  const other = await submit();
  assert.equal((await decide(mike, other.runId, "reject", {})).statusCode, 200);
  assert.equal((await decide(mike, other.runId, "reject", { note: "twice" })).statusCode, 200);
  assert.equal(await signals(other.runId), 1);
  assert.equal((await decide(mike, other.runId, "approve", { planHash: other.planHash })).statusCode, 409);
});

test("the audit log names the verified approver by account", async () => {
  const { runId, planHash } = await submit();
  assert.equal((await decide(mike, runId, "approve", { planHash })).statusCode, 200);
  const [entry] = await store.query<{ actor: string; detail: { approver: Record<string, string> } }>(
    "select actor, detail from audit_log where action = 'run.approve' and subject = $1",
    [runId],
  );
  assert.equal(entry?.actor, manager);
  assert.deepEqual(entry?.detail.approver, {
    via: "staff-session",
    accountId: mike.accountId,
    email: manager,
  });
});
