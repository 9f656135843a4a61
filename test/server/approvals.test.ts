import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { parseClientConfig } from "../../src/domain/client.ts";
import type { Plan } from "../../src/domain/plan.ts";
import { planHash } from "../../src/planner/hash.ts";
import type { StaffRole } from "../../src/domain/staff-roles.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { testClientConfig } from "../support/engine-helpers.ts";
import { signedInServer } from "../support/signed-in.ts";
import { signedIn } from "../support/staff.ts";
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

type Staff = Awaited<ReturnType<typeof signedIn>>;
// Acme's onboardings are approved by the manager (Mike); Globex's by MSP staff or its CEO. A technician
// submits unless a test says who.
const who: Record<string, [string, StaffRole]> = {
  mike: [manager, "approver"],
  boss: ["boss@acme.example.com", "approver"],
  eve: ["eve@acme.example.com", "approver"],
  admin: ["admin@msp.example", "admin"],
  sam: ["sam@msp.example", "admin"],
  ann: ["ann@msp.example", "approver"],
  viewer: ["vic@msp.example", "viewer"],
  tech: ["tech@msp.example", "technician"],
};
const staff: Record<string, Staff> = {};
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
  // A reader's token by default, for the OpenAPI document; each decision says whose it is.
  app = await signedInServer({ store }, { email: "reader@msp.example", role: "viewer" });
  for (const [name, [email, role]] of Object.entries(who)) staff[name] = await signedIn(store, email, role);
});

const the = (name: string): Staff => staff[name] ?? assert.fail(`no ${name}`);

after(async () => {
  await app.close();
  await store.close();
});

async function submit(
  body: Record<string, unknown> = onboardingBody(),
  by: Staff = the("tech"),
): Promise<{ runId: string; planHash: string; plan: { approval?: unknown } }> {
  const res = await app.inject({
    method: "POST",
    url: "/api/requests/onboard",
    payload: body,
    headers: by.headers,
  });
  assert.equal(res.statusCode, 201, res.body);
  return json(res);
}

const globexBody = (overrides: Record<string, unknown> = {}) =>
  onboardingBody({ client: "globex", requester: "hr@globex.example.com", manager: undefined, ...overrides });

const decide = (
  by: Staff | undefined,
  runId: string,
  verb: "approve" | "reject",
  payload: Record<string, unknown>,
) =>
  app.inject({
    method: "POST",
    url: `/api/runs/${runId}/${verb}`,
    payload,
    headers: by ? by.headers : { authorization: "" },
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
  // Named as the request's requester (Ann), and signed in as the one who submitted it (Sam).
  const named = await submit(globexBody({ requester: the("ann").email }));
  const bySam = await submit(globexBody(), the("sam"));
  for (const [asker, { runId, planHash }] of [
    [the("ann"), named],
    [the("sam"), bySam],
  ] as const) {
    const res = await decide(asker, runId, "approve", { planHash });
    assert.equal(res.statusCode, 403, res.body);
    const body = json<ErrorReply>(res);
    assert.equal(body.error.code, "LC_ERR_FORBIDDEN");
    assert.match(body.error.message, /requester never approves their own request/);
    assert.equal(await signals(runId), 0);
    assertMatchesDocument(await openapi(app), "POST", "/api/runs/{id}/approve", res);
  }
  // Another of the staff the policy names may.
  assert.equal(
    (await decide(the("admin"), bySam.runId, "approve", { planHash: bySam.planHash })).statusCode,
    200,
  );
});

test("an approver the policy does not name is refused 403, an admin included when only the manager may", async () => {
  const { runId, planHash } = await submit();
  for (const stranger of [the("eve"), the("admin"), the("boss")]) {
    const res = await decide(stranger, runId, "approve", { planHash });
    assert.equal(res.statusCode, 403, `${stranger.email}: ${res.body}`);
    assert.equal(json<ErrorReply>(res).error.code, "LC_ERR_FORBIDDEN");
  }
  assert.match(
    json<ErrorReply>(await decide(the("admin"), runId, "approve", { planHash })).error.message,
    /is not one who may approve this run: the client's policy names mike\.chen@acme\.example\.com \(manager\)/,
  );
  const rejected = await decide(the("eve"), runId, "reject", {});
  assert.equal(rejected.statusCode, 403, "a stranger may not reject either");
  const byViewer = await decide(the("viewer"), runId, "approve", { planHash });
  assert.equal(byViewer.statusCode, 403);
  assert.equal(json<ErrorReply>(byViewer).error.code, "LC_ERR_FORBIDDEN");
  assert.equal(await signals(runId), 0);
  assert.equal((await decide(the("mike"), runId, "approve", { planHash })).statusCode, 200);
});

test("approving without the plan hash is a field error naming planHash", async () => {
  const { runId } = await submit();
  const res = await decide(the("mike"), runId, "approve", { note: "looks fine" });
  assert.equal(res.statusCode, 400, res.body);
  assert.deepEqual(fieldsOf(res), ["planHash"]);
  assertMatchesDocument(await openapi(app), "POST", "/api/runs/{id}/approve", res);
  // The body's actor is no longer how an approver is named.
  const typed = await decide(the("mike"), runId, "approve", { actor: manager, planHash: "x" });
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
  const first = await decide(the("mike"), runId, "approve", { planHash });
  const again = await decide(the("mike"), runId, "approve", { planHash, note: "still fine" });
  assert.equal(first.statusCode, 200, first.body);
  assert.equal(again.statusCode, 200, again.body);
  assert.equal(await signals(runId), 1);
  const events = json<{ events: { type: string }[] }>(again).events.filter(
    (e) => e.type === "approval.approved",
  );
  assert.equal(events.length, 1);
  const reject = await decide(the("mike"), runId, "reject", { note: "changed my mind" });
  assert.equal(reject.statusCode, 409, reject.body);
  assert.match(json<ErrorReply>(reject).error.message, /already approved by mike\.chen@acme\.example\.com/);

  const other = await submit();
  assert.equal((await decide(the("mike"), other.runId, "reject", {})).statusCode, 200);
  assert.equal((await decide(the("mike"), other.runId, "reject", { note: "twice" })).statusCode, 200);
  assert.equal(await signals(other.runId), 1);
  assert.equal(
    (await decide(the("mike"), other.runId, "approve", { planHash: other.planHash })).statusCode,
    409,
  );
});

test("the audit log names the verified approver by account", async () => {
  const { runId, planHash } = await submit();
  assert.equal((await decide(the("mike"), runId, "approve", { planHash })).statusCode, 200);
  const [entry] = await store.query<{ actor: string; detail: { approver: Record<string, string> } }>(
    "select actor, detail from audit_log where action = 'run.approve' and subject = $1",
    [runId],
  );
  assert.equal(entry?.actor, manager);
  const { tokenId, ...approver } = entry?.detail.approver ?? {};
  assert.deepEqual(approver, { via: "staff-token", accountId: the("mike").accountId, email: manager });
  assert.ok(tokenId, "and the token it came with");
});
