import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, test } from "node:test";
import {
  credentialKinds,
  liveStateOf,
  parseClient,
  portsFor,
  submitRequest,
} from "../../src/composition/index.ts";
import { keyring, type KeySource } from "../../src/credentials/keys.ts";
import { linksOfRun, linkState } from "../../src/credentials/one-time-links.ts";
import { setCredential } from "../../src/credentials/repo.ts";
import { getRun } from "../../src/engine/read.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { demoClients } from "../../emulators/demo/clients.ts";
import { haloDemo, startHaloPsaEmulator } from "../../emulators/halopsa/index.ts";
import { acme, startMicrosoft365Emulator } from "../../emulators/microsoft365/index.ts";
import { latencyClasses } from "../../emulators/microsoft365/latency.ts";
import { killHard, spawnWorker, stopGracefully, type WorkerProcess } from "../support/processes.ts";
import { postgresSkipReason, postgresUnderTest } from "../support/stores.ts";

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * kill -9 of the worker, again and again, while Acme's onboarding runs with its trail on HaloPSA ticket
 * 48291: the product's worker process (its ports built from the stored config and credentials) against the
 * Microsoft 365 and HaloPSA emulators, both slow enough that kills land mid-call. Whatever was cut off, the
 * ticket ends with one plan note and one log of the run, the PSA with one contact, the tenant with one user
 * and one welcome email.
 */
test("kill -9 in the middle of an onboarding with its HaloPSA trail: each note, the contact, the user and the email once", async (t) => {
  const skip = await postgresSkipReason();
  if (skip) return t.skip(skip);
  const { store, url, cleanup } = await postgresUnderTest.open();
  cleanups.push(cleanup);
  const m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
  cleanups.push(() => m365.close());
  m365.admin.configure({
    latency: Object.fromEntries(latencyClasses.map((c) => [c, { meanMs: 60, jitter: 0.5 }])),
  });
  m365.admin.setReplicationLag(0);
  m365.admin.setMailboxProvisioningDelay(1500);
  const halo = await startHaloPsaEmulator({ profile: "fast", seed: "demo" });
  cleanups.push(() => halo.close());
  // A Halo call takes 50–150 ms to read and 150–450 ms to write: long enough for a kill to cut one off.
  halo.admin.configure({
    latency: {
      token: { meanMs: 80, jitter: 0.5 },
      read: { meanMs: 100, jitter: 0.5 },
      write: { meanMs: 300, jitter: 0.5 },
    },
  });

  const masterKey = randomBytes(32);
  const keys: KeySource = (() => {
    const ring = keyring(masterKey);
    return () => ring;
  })();
  for (const [ref, kind, value] of [
    ["acme/microsoft-app", "microsoft-app", { clientId: acme.clientId, clientSecret: acme.clientSecret }],
    ["msp/halopsa", "halopsa-app", { clientId: haloDemo.clientId, clientSecret: haloDemo.clientSecret }],
  ] as const) {
    const stored = await setCredential(store, keys, credentialKinds, { ref, kind, value, actor: "test" });
    assert.ok(stored.ok, JSON.stringify(stored));
  }
  // The demo's Acme, every system pointed at its emulator as the demo does on start.
  const demo = demoClients.find((c) => c.id === "acme")!;
  const address: Record<string, Record<string, unknown>> = {
    msgraph: { endpoints: { authority: m365.url, graph: m365.url } },
    "exchange-online": { endpoints: { authority: m365.url, exchange: m365.url } },
    halopsa: { url: halo.url },
  };
  const systems = Object.fromEntries(
    Object.entries(demo.systems ?? {}).map(([name, s]) => [name, { ...s, ...address[s.connector] }]),
  );
  const parsed = parseClient({ ...demo, systems });
  assert.ok(parsed.ok, JSON.stringify(parsed));
  await upsertClient(store, parsed.value);
  const resolve = portsFor({ sql: store, keys, publicUrl: () => "https://lifecycle.test" });

  const res = await submitRequest(
    store,
    "onboard",
    {
      client: "acme",
      firstName: "Sarah",
      lastName: "Johnson",
      department: "Marketing",
      manager: "mike.chen@acmecorp.com",
      jobTitle: "Marketing Specialist",
      ticket: String(haloDemo.acme.ticket),
      start: "now",
      requester: "hr@acmecorp.com",
    },
    { actor: "test", live: async (c) => liveStateOf(await resolve(c)) },
  );
  assert.ok(res.ok, JSON.stringify(!res.ok && res.errors));
  const runId = res.value.runId!;
  const env = { DATABASE_URL: url!, LIFECYCLE_MASTER_KEY: masterKey.toString("base64") };
  let worker: WorkerProcess = await spawnWorker("p0", env, "product");
  cleanups.push(() => stopGracefully(worker));

  const finished = async () =>
    ["completed", "completed-with-warnings", "failed", "cancelled"].includes(
      (await getRun(store, runId)).status,
    );
  /** The types of the steps the live worker holds a lease on and is running now. */
  const inFlight = async () =>
    (
      await store.query<{ type: string }>(
        `select type from actions where run_id = $1 and state = 'running' and lease_owner = $2 and lease_until > now()`,
        [runId, worker.id],
      )
    ).map((r) => r.type);
  /** How many steps have ended, whichever way. */
  const ended = async () =>
    (
      await store.query<{ n: number }>(
        `select count(*)::int as n from actions where run_id = $1 and state not in ('pending', 'running', 'waiting')`,
        [runId],
      )
    )[0]!.n;
  let kills = 0;
  let endedAtKill = -1;
  const cut: string[] = [];
  const deadline = Date.now() + 120_000;
  while (!(await finished()) && Date.now() < deadline && kills < 8) {
    // Each kill after the run has moved on since the last one, so the kills spread over the whole run.
    while ((await ended()) <= endedAtKill && !(await finished()) && Date.now() < deadline) await sleep(15);
    // Wait for a step in flight; for a while prefer one of the PSA's, so the trail's calls are cut too.
    const preferPsaUntil = Date.now() + 400;
    let running: string[] = [];
    while (!(await finished()) && Date.now() < deadline) {
      running = await inFlight();
      if (running.some((s) => s.startsWith("psa.")) || (running.length && Date.now() > preferPsaUntil)) break;
      await sleep(15);
    }
    if (await finished()) break;
    await sleep(Math.random() * 120);
    endedAtKill = await ended();
    await killHard(worker);
    kills++;
    cut.push(...running);
    worker = await spawnWorker(`p${kills}`, env, "product");
  }
  while (!(await finished()) && Date.now() < deadline) await sleep(100);
  const run = await getRun(store, runId);
  assert.equal(run.status, "completed", JSON.stringify(run.actions.map((a) => [a.key, a.state, a.outcome])));
  assert.ok(kills >= 3, `only ${kills} kills: the test proved little`);
  console.log(`# psa crash: ${kills} kills, cutting ${cut.join(", ")}`);

  // The ticket: one plan note and one log of the run, each posted once.
  const notes = halo.admin.notes(haloDemo.acme.ticket);
  const ofRun = notes.filter((n) => String(n.note).includes(runId));
  const withMarker = (m: string) =>
    ofRun.filter((n) =>
      String(n.note)
        .split(/\r?\n/)
        .some((l) => l.trim() === `Lifecycle-Marker: ${runId}:${m}`),
    );
  const texts = ofRun.map((n) => String(n.note)).join("\n---\n");
  assert.equal(withMarker("psa-plan-note").length, 1, `one plan note:\n${texts}`);
  assert.equal(withMarker("psa-log").length, 1, `one log note:\n${texts}`);
  assert.equal(ofRun.length, 2, `no other note of the run:\n${texts}`);
  assert.match(String(withMarker("psa-log")[0]!.note), /Result: completed\./);
  const ok = (c: { status: number }) => c.status >= 200 && c.status < 300;
  const haloCalls = halo.admin.calls();
  /**
   * The writes Halo was sent that carry this text, whatever became of their answer: a call cut off by a
   * kill may have landed (the note is there, the call logged or not), and the next worker must find it
   * instead of sending it again.
   */
  const sent = (path: RegExp, text: string) =>
    haloCalls.filter(
      (c) =>
        c.method === "POST" &&
        path.test(c.url.split("?")[0]!) &&
        JSON.stringify(c.requestBody).toLowerCase().includes(text.toLowerCase()),
    );
  for (const m of ["psa-plan-note", "psa-log"]) {
    const posts = sent(/\/api\/actions$/i, `${runId}:${m}`);
    assert.ok(posts.length <= 1, `${m} sent to Halo ${posts.length} times: ${JSON.stringify(posts)}`);
  }
  assert.equal(halo.admin.ticket(haloDemo.acme.ticket).status_id, haloDemo.statuses.completed);

  // The PSA: one contact for the new user.
  const upn = "sarah.johnson@acmecorp.com";
  const contacts = halo.admin
    .contacts(haloDemo.acme.clientId)
    .filter((c) => String(c.emailaddress).toLowerCase() === upn);
  assert.equal(contacts.length, 1, "one contact");
  const contactPosts = sent(/\/api\/users$/i, upn);
  assert.ok(contactPosts.length <= 1, `the contact sent ${contactPosts.length} times`);

  // The tenant: one user, one welcome email.
  const m365Calls = m365.admin.calls({ tenantId: acme.tenantId });
  const creates = m365Calls.filter(
    (c) => c.method === "POST" && /\/users$/.test(c.url.split("?")[0]!) && ok(c),
  );
  assert.equal(creates.length, 1, "one user created");
  assert.equal(m365.admin.users(acme.tenantId).filter((u) => u.displayName === "Sarah Johnson").length, 1);
  assert.equal(m365.admin.sentMail(acme.tenantId).length, 1, "one welcome email");

  // Its one-time link is the step's one valid link, whatever the kills re-ran, and it is nowhere else.
  const [mail] = m365.admin.sentMail(acme.tenantId);
  const link = /https?:\/\/[^\s"<]+\/credentials\/[\w-]+/.exec(mail?.content ?? "")?.[0];
  assert.ok(link, "the welcome email carries the one-time link");
  const token = link.split("/credentials/")[1]!;
  assert.equal((await linkState(store, token)).kind, "ready", "the emailed link opens");
  const links = await linksOfRun(store, runId);
  assert.deepEqual(
    links.filter((l) => l.state === "created").length,
    1,
    `one valid link for the run: ${JSON.stringify(links)}`,
  );
  const kept = JSON.stringify([
    await store.query("select outcome from actions where run_id = $1", [runId]),
    await store.query("select outcome from attempts where run_id = $1", [runId]),
    await store.query("select message, detail from events where run_id = $1", [runId]),
    ofRun.map((n) => n.note),
  ]);
  assert.ok(!kept.includes(token), "the token is in no step record, event or ticket note");
});
