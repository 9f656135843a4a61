import assert from "node:assert/strict";
import { test } from "node:test";
import { linksOfRun, linkState } from "../../src/credentials/one-time-links.ts";
import { haloDemo, startHaloPsaEmulator } from "../../emulators/halopsa/index.ts";
import { acme as acmeTenant } from "../../emulators/microsoft365/index.ts";
import { cleanupsAfterAll } from "../support/cleanups.ts";
import {
  acmeInPostgres,
  assertOneUserAndOneEmail,
  killUntilFinished,
  microsoftAt,
  sarahJohnson,
  slowAcmeTenant,
} from "../support/kill-loop.ts";
import { postgresSkipReason } from "../support/stores.ts";

const cleanups = cleanupsAfterAll();

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
  const m365 = await slowAcmeTenant();
  cleanups.push(() => m365.close());
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
  // The demo's Acme, every system pointed at its emulator as the demo does on start.
  const microsoft = microsoftAt(m365);
  const { acme, env } = await acmeInPostgres(cleanups, {
    address: { ...microsoft.address, halopsa: { url: halo.url } },
    credentials: [
      microsoft.credential,
      {
        ref: "msp/halopsa",
        kind: "halopsa-app",
        value: { clientId: haloDemo.clientId, clientSecret: haloDemo.clientSecret },
      },
    ],
  });

  const res = await acme.submit(
    "onboard",
    { ...sarahJohnson, jobTitle: "Marketing Specialist", ticket: String(haloDemo.acme.ticket) },
    "test",
  );
  assert.ok(res.ok, JSON.stringify(!res.ok && res.errors));
  const runId = res.value.runId!;
  // The kills spread over the whole run, and for a while prefer a PSA step, so the trail's calls are cut too.
  const { kills, cut } = await killUntilFinished({
    store: acme.store,
    runId,
    env,
    cleanups,
    prefix: "p",
    maxKills: 8,
    timeoutMs: 120_000,
    spread: true,
    prefer: (type) => type.startsWith("psa."),
  });
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
  assertOneUserAndOneEmail(m365);

  // Its one-time link is the step's one valid link, whatever the kills re-ran, and it is nowhere else.
  const store = acme.store;
  const [mail] = m365.admin.sentMail(acmeTenant.tenantId);
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
