import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { liveStateOf } from "../../src/composition/live-state.ts";
import { submitRequest } from "../../src/composition/submit.ts";
import type { Capabilities } from "../../src/ports/index.ts";
import { getRun } from "../../src/engine/read.ts";
import { cancelRun } from "../../src/engine/runs.ts";
import { type Worker } from "../../src/engine/worker.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { acme, type Microsoft365Emulator } from "../../emulators/microsoft365/index.ts";
import { waitForStatus } from "../support/engine-helpers.ts";
import { acmeCapabilities, demoAcme, startAcmeTenant, startProductWorker } from "../support/microsoft.ts";

/**
 * Acme licenses Marketing through M365-Business-Premium. With no SPB seat, a run must say so at the
 * licence step, naming the SKU and the group, within one poll: not wait out the mailbox.
 */
const tenant = acme.tenantId;
let m365: Microsoft365Emulator;
let caps: Capabilities;
let store: Store;
let worker: Worker;

before(async () => {
  store = await openStore({});
  m365 = await startAcmeTenant();
  caps = acmeCapabilities(m365);
  worker = await startProductWorker(store, () => caps);
});
after(async () => {
  await worker?.stop();
  await m365?.close();
  await store?.close();
});

const marketing = (firstName: string, start = "now") => ({
  client: "acme",
  requester: "tech@msp.example",
  firstName,
  lastName: "Seatless",
  department: "Marketing",
  start,
});

async function useClient(whenNoSeat: "fail" | "wait") {
  const acmeConfig = demoAcme();
  await upsertClient(store, { ...acmeConfig, licensing: { whenNoSeat } });
}

const submit = (body: Record<string, unknown>, dryRun = false) =>
  submitRequest(store, "onboard", body, { actor: "test", live: () => liveStateOf(caps), dryRun });

test("no seat, policy fail: refused at submission naming the SKU; taken after submission, the licence step fails at once naming SKU and group", async () => {
  await useClient("fail");
  m365.admin.setSeats(tenant, "SPB", 2); // Mike and Tom hold both
  const refused = await submit(marketing("Fay"));
  assert.ok(!refused.ok);
  assert.ok(
    refused.errors.some((e) => /SPB/.test(e.message) && /2 of 2 in use/.test(e.message)),
    JSON.stringify(refused.errors),
  );

  m365.admin.setSeats(tenant, "SPB", 25);
  const start = new Date(Date.now() + 1500).toISOString();
  const sub = await submit(marketing("Gus", start));
  assert.ok(sub.ok, JSON.stringify(!sub.ok && sub.errors));
  m365.admin.setSeats(tenant, "SPB", 2);
  await waitForStatus(store, sub.value.runId!, ["failed"], 30_000);
  const run = await getRun(store, sub.value.runId!);
  const step = run.actions.find((a) => a.key === "group-license:M365-Business-Premium");
  assert.ok(step?.outcome?.kind === "failed", JSON.stringify(step));
  assert.equal(step.outcome.error.code, "NO_FREE_SEATS");
  assert.match(step.outcome.error.message, /SPB/);
  assert.match(step.outcome.error.message, /M365-Business-Premium/);
  assert.equal(step.attempts, 1, "within one poll");
  assert.equal(run.actions.find((a) => a.key === "mailbox-ready")?.state, "blocked");
});

test("no seat, policy wait: the dry run warns, and the run waits for a seat of that SKU, not for a mailbox", async () => {
  await useClient("wait");
  m365.admin.setSeats(tenant, "SPB", 2);
  const dry = await submit(marketing("Hal"), true);
  assert.ok(dry.ok, JSON.stringify(!dry.ok && dry.errors));
  assert.ok(dry.value.findings.some((f) => f.severity === "warning" && /SPB/.test(f.message)));
  const sub = await submit(marketing("Hal"));
  assert.ok(sub.ok, JSON.stringify(!sub.ok && sub.errors));
  const runId = sub.value.runId!;
  await waitForStatus(store, runId, ["waiting"], 30_000);
  let step;
  for (let i = 0; i < 100; i++) {
    step = (await getRun(store, runId)).actions.find((a) => a.key === "group-license:M365-Business-Premium");
    if (step?.outcome?.kind === "waiting") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(step?.outcome?.kind === "waiting", JSON.stringify(step));
  assert.match(step.outcome.for, /free SPB seat/);
  assert.match(step.outcome.for, /M365-Business-Premium/);
  const mailbox = (await getRun(store, runId)).actions.find((a) => a.key === "mailbox-ready");
  assert.equal(mailbox?.state, "pending", "the mailbox wait has not started");
  await cancelRun(store, runId, "test", "test over");
});
