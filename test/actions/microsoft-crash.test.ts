import assert from "node:assert/strict";
import { after, test } from "node:test";
import { getRun } from "../../src/engine/read.ts";
import { submitRequest } from "../../src/composition/submit.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { acme, startMicrosoft365Emulator } from "../../emulators/microsoft365/index.ts";
import { latencyClasses } from "../../emulators/microsoft365/latency.ts";
import { killHard, spawnWorker, stopGracefully, type WorkerProcess } from "../support/processes.ts";
import { acmeCapabilities, demoAcme } from "../support/microsoft.ts";
import { liveStateOf } from "../../src/composition/live-state.ts";
import { postgresSkipReason, postgresUnderTest } from "../support/stores.ts";

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("kill -9 in the middle of an onboarding resumes with no duplicate user, group add or email", async (t) => {
  const skip = await postgresSkipReason();
  if (skip) return t.skip(skip);
  const { store, url, cleanup } = await postgresUnderTest.open();
  cleanups.push(cleanup);
  const m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
  cleanups.push(() => m365.close());
  // Slow enough that the kills land mid-flight: every call takes 30–90 ms, the mailbox 1.5 s.
  m365.admin.configure({
    latency: Object.fromEntries(latencyClasses.map((c) => [c, { meanMs: 60, jitter: 0.5 }])),
  });
  m365.admin.setReplicationLag(0);
  m365.admin.setMailboxProvisioningDelay(1500);
  await upsertClient(store, demoAcme());

  const res = await submitRequest(
    store,
    "onboard",
    {
      client: "acme",
      firstName: "Sarah",
      lastName: "Johnson",
      department: "Marketing",
      manager: "mike.chen@acmecorp.com",
      start: "now",
      requester: "hr@acmecorp.com",
    },
    { actor: "test", live: () => liveStateOf(acmeCapabilities(m365)) },
  );
  assert.ok(res.ok, JSON.stringify(!res.ok && res.errors));
  const runId = res.value.runId!;
  const env = { DATABASE_URL: url!, M365_URL: m365.url };
  let worker: WorkerProcess = await spawnWorker("m0", env, "microsoft");
  cleanups.push(() => stopGracefully(worker));
  const finished = async () =>
    ["completed", "completed-with-warnings", "failed"].includes((await getRun(store, runId)).status);
  let kills = 0;
  const deadline = Date.now() + 90_000;
  // Each kill lands while a step is in flight (claimed, calling the emulator); after six the last worker
  // is left to finish.
  const inFlight = async () =>
    (
      await store.query(
        `select 1 from actions where run_id = $1 and state = 'running' and lease_owner = $2 and lease_until > now()`,
        [runId, worker.id],
      )
    ).length > 0;
  while (!(await finished()) && Date.now() < deadline && kills < 6) {
    while (!(await inFlight()) && !(await finished()) && Date.now() < deadline) await sleep(20);
    if (await finished()) break;
    await sleep(Math.random() * 120);
    await killHard(worker);
    kills++;
    worker = await spawnWorker(`m${kills}`, env, "microsoft");
  }
  while (!(await finished()) && Date.now() < deadline) await sleep(100);
  const run = await getRun(store, runId);
  assert.equal(run.status, "completed", JSON.stringify(run.actions.map((a) => [a.key, a.state, a.outcome])));
  assert.ok(kills >= 3, `only ${kills} kills: the test proved little`);

  const calls = m365.admin.calls({ tenantId: acme.tenantId });
  const ok = (c: { status: number }) => c.status >= 200 && c.status < 300;
  const creates = calls.filter((c) => c.method === "POST" && /\/users$/.test(c.url.split("?")[0]!) && ok(c));
  assert.equal(creates.length, 1, "one user created");
  assert.equal(m365.admin.users(acme.tenantId).filter((u) => u.displayName === "Sarah Johnson").length, 1);
  const adds = calls.filter((c) => c.method === "POST" && c.url.includes("/members/$ref") && ok(c));
  const perGroup = new Map<string, number>();
  for (const c of adds) perGroup.set(c.url, (perGroup.get(c.url) ?? 0) + 1);
  for (const [u, n] of perGroup) assert.equal(n, 1, `${u} added ${n} times`);
  const listAdds = calls.filter((c) => c.cmdlet === "Add-DistributionGroupMember" && ok(c));
  assert.equal(listAdds.length, 2, "each distribution list joined once");
  assert.equal(m365.admin.sentMail(acme.tenantId).length, 1, "one welcome email");
  console.log(`# microsoft crash: ${kills} kills`);
});
