import assert from "node:assert/strict";
import { test } from "node:test";
import { connectors } from "../../src/connectors/registry.ts";
import { getRun, type RunDetail } from "../../src/engine/read.ts";
import { cleanupsAfterAll } from "../support/cleanups.ts";
import {
  clientStacks,
  onboardingOf,
  startStackEmulators,
  type ClientStack,
} from "../support/client-stacks.ts";
import { sleep } from "../support/kill-loop.ts";
import { killHard, spawnWorker, stopGracefully, type WorkerProcess } from "../support/processes.ts";
import { wireClient } from "../support/product-stack.ts";
import { postgresSkipReason, postgresUnderTest } from "../support/stores.ts";

const cleanups = cleanupsAfterAll();

/** A vendor call as an emulator's log keeps it. */
interface Call {
  method: string;
  url: string;
  status: number;
  requestBody?: unknown;
}

/** A moment to kill the worker at: the vendor has answered this create, and the step is `step` of `run`. */
interface KillPoint {
  name: string;
  run: "acme" | "globex";
  step: string;
  calls: () => Call[];
  matches: (c: Call) => boolean;
}

const answered = (c: Call) => c.status >= 200 && c.status < 300;
const path = (c: Call) => c.url.split("?")[0]!;
const carries = (c: Call, text: string) =>
  JSON.stringify(c.requestBody ?? "")
    .toLowerCase()
    .includes(text.toLowerCase());

/**
 * kill -9 of the product's worker process at the worst moment of each RMM, documentation and PSA step of
 * two onboardings at once (Acme on HaloPSA + NinjaOne + IT Glue, Globex on ConnectWise + Datto RMM + Hudu):
 * the vendor has answered the step's create (the end user, the device's owner, the contact, the asset)
 * and the worker is killed before it records the outcome, while it re-reads to verify. The emulators run
 * in this process and outlive each kill; the next worker finds the create done instead of sending it
 * again. In the end each vendor holds one of each, and each create was sent once.
 */
test("kill -9 after each RMM, documentation and PSA create answered, before the step's outcome is recorded: nothing is created twice", async (t) => {
  const skip = await postgresSkipReason();
  if (skip) return t.skip(skip);
  // Reads slow enough that the verify after a create leaves the kill a window; writes slower still.
  const emu = await startStackEmulators({ readMs: 60, writeMs: 150 });
  cleanups.push(() => emu.close());
  const [acme, globex] = clientStacks(emu) as [ClientStack, ClientStack];
  const { store, url, cleanup } = await postgresUnderTest.open();
  cleanups.push(cleanup);
  const wired = await wireClient(store, {
    registry: connectors,
    credentials: [...acme.credentials, ...globex.credentials],
    client: acme.config,
    others: [globex.config],
  });
  const env = { DATABASE_URL: url!, LIFECYCLE_MASTER_KEY: wired.masterKey.toString("base64") };

  const onboard = async (s: ClientStack) => {
    const res = await wired.submit(
      "onboard",
      onboardingOf(s, { firstName: "Kira", lastName: "Kowalski" }),
      `hr@${s.domain}`,
    );
    assert.ok(res.ok, JSON.stringify(!res.ok && res.errors));
    const runId = res.value.runId!;
    return { runId, upn: (await getRun(store, runId)).subject };
  };
  const runs = { acme: await onboard(acme), globex: await onboard(globex) };
  const upn = { acme: runs.acme.upn, globex: runs.globex.upn };

  const points: KillPoint[] = [
    {
      name: "NinjaOne end user created",
      run: "acme",
      step: "rmm-user",
      calls: () => emu.ninja.admin.calls(),
      matches: (c) => c.method === "POST" && path(c).endsWith("/v2/user/end-users") && carries(c, upn.acme),
    },
    {
      name: "NinjaOne device owner set",
      run: "acme",
      step: "rmm-device",
      calls: () => emu.ninja.admin.calls(),
      matches: (c) => c.method === "POST" && /\/v2\/device\/\d+\/owner\/[^/]+$/.test(path(c)),
    },
    {
      name: "IT Glue contact created",
      run: "acme",
      step: "docs-person",
      calls: () => emu.itglue.admin.calls(),
      matches: (c) => c.method === "POST" && /\/contacts$/.test(path(c)) && carries(c, upn.acme),
    },
    {
      name: "HaloPSA contact created",
      run: "acme",
      step: "psa-contact",
      calls: () => emu.halo.admin.calls(),
      matches: (c) => c.method === "POST" && /\/api\/users$/i.test(path(c)) && carries(c, upn.acme),
    },
    {
      name: "Datto RMM owner UDF written",
      run: "globex",
      step: "rmm-device",
      calls: () => emu.datto.admin.calls(),
      matches: (c) =>
        c.method === "POST" && /\/v2\/device\/[^/]+\/udf$/.test(path(c)) && carries(c, upn.globex),
    },
    {
      name: "Hudu person asset created",
      run: "globex",
      step: "docs-person",
      calls: () => emu.hudu.admin.calls(),
      matches: (c) =>
        c.method === "POST" && /\/companies\/\d+\/assets$/.test(path(c)) && carries(c, upn.globex),
    },
    {
      name: "ConnectWise contact created",
      run: "globex",
      step: "psa-contact",
      calls: () => emu.connectwise.admin.calls(),
      matches: (c) => c.method === "POST" && /\/company\/contacts$/i.test(path(c)) && carries(c, upn.globex),
    },
  ];

  const ended = ["completed", "completed-with-warnings", "failed", "cancelled"];
  const allEnded = async () =>
    (await Promise.all(Object.values(runs).map((r) => getRun(store, r.runId)))).every((r) =>
      ended.includes(r.status),
    );
  const stepState = async (p: KillPoint) =>
    (
      await store.query<{ state: string }>(`select state from actions where run_id = $1 and key = $2`, [
        runs[p.run].runId,
        p.step,
      ])
    )[0]?.state;

  let worker: WorkerProcess = await spawnWorker("k0", env, "product");
  cleanups.push(() => stopGracefully(worker));
  /** Each point's step state when its create's answer was seen, and the worker then killed. */
  const atKill = new Map<string, string | undefined>();
  const deadline = Date.now() + 100_000;
  let kills = 0;
  let checkedEnd = 0;
  // A tight loop, reading only the emulators' logs in this process: the window between a create's answer
  // and the step's record is the worker's verify read, some tens of milliseconds.
  while (atKill.size < points.length && Date.now() < deadline) {
    const due = points.filter(
      (p) => !atKill.has(p.name) && p.calls().some((c) => p.matches(c) && answered(c)),
    );
    if (!due.length) {
      if (Date.now() - checkedEnd > 250) {
        if (await allEnded()) break;
        checkedEnd = Date.now();
      }
      await sleep(1);
      continue;
    }
    // killHard signals before it awaits anything. A create answered to a worker killed before (it was in
    // flight then) kills this one at once too: one more kill, at no particular moment, does no harm.
    await killHard(worker);
    kills++;
    for (const p of due) atKill.set(p.name, await stepState(p));
    worker = await spawnWorker(`k${kills}`, env, "product");
  }
  while (!(await allEnded()) && Date.now() < deadline) await sleep(100);

  const detail = new Map<string, RunDetail>();
  for (const [name, r] of Object.entries(runs)) {
    const run = await getRun(store, r.runId);
    detail.set(name, run);
    assert.equal(
      run.status,
      "completed",
      `${name}: ${JSON.stringify(run.actions.map((a) => [a.key, a.state, a.outcome]))}`,
    );
  }
  // Whichever kill cut it (a create in flight at another point's kill lands with nobody listening), each
  // step's create landed in an attempt that died, and the next attempt found it instead of sending it.
  for (const p of points) {
    const step = detail.get(p.run)!.actions.find((a) => a.key === p.step);
    assert.equal(step?.state, "already-done", `${p.name}: ${JSON.stringify(step)}`);
    assert.match(JSON.stringify(step.outcome), /after an interrupted attempt; nothing applied again/, p.name);
  }
  assert.ok(atKill.size >= 3, `only ${atKill.size} of the kill points were reached: the test proved little`);
  assert.deepEqual(
    [...atKill].filter(([, state]) => state !== "running" && state !== "pending"),
    [],
    "no step had its outcome recorded when the worker died",
  );

  // Each create was sent once: logged once where the vendor's answer reached the log (a request whose
  // worker died while the emulator was still answering it may be missing from it, never doubled).
  for (const p of points) {
    const sent = p.calls().filter((c) => p.matches(c)).length;
    assert.ok(sent <= 1, `${p.name}: sent ${sent} times`);
    if (atKill.has(p.name)) assert.equal(sent, 1, `${p.name}: sent once`);
  }
  // And each vendor holds one of each.
  assert.equal(acme.view.endUsers(upn.acme), 1, "one NinjaOne end user");
  assert.equal(acme.view.deviceOwner(acme.serial), upn.acme, "the laptop is theirs in NinjaOne");
  assert.equal(acme.view.docsPeople(upn.acme).length, 1, "one IT Glue contact");
  assert.equal(acme.view.psaContacts(upn.acme).length, 1, "one HaloPSA contact");
  assert.equal(
    globex.view.deviceOwner(globex.serial),
    upn.globex,
    "the desktop's owner UDF holds the address",
  );
  assert.ok(globex.view.ownerWrites(globex.serial) <= 1, "the owner UDF written once");
  assert.equal(globex.view.docsPeople(upn.globex).length, 1, "one Hudu person asset");
  assert.equal(globex.view.psaContacts(upn.globex).length, 1, "one ConnectWise contact");
  for (const s of [acme, globex])
    assert.equal(
      emu.m365.admin.users(s.tenantId).filter((u) => u.displayName === "Kira Kowalski").length,
      1,
      `one ${s.client} user`,
    );
  console.log(`# rmm/docs crash: ${kills} kills, at ${[...atKill.keys()].join(", ")}`);
});
