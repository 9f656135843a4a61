import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { PortsResolver } from "../../src/composition/index.ts";
import { connectors } from "../../src/connectors/registry.ts";
import type { ClientConfig } from "../../src/domain/client.ts";
import { getRun, type RunDetail } from "../../src/engine/read.ts";
import { signalRun } from "../../src/engine/runs.ts";
import { asStaff } from "../support/staff.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import type { Store } from "../../src/store/sql.ts";
import { memoryDirectoryConnector } from "../support/connectors/memory-directory/module.ts";
import {
  memoryPsaCompanies,
  memoryPsaConnector,
  memoryPsaState,
  type MemoryPsaState,
} from "../support/connectors/memory-psa/module.ts";
import { waitForStatus } from "../support/engine-helpers.ts";
import { productStack, type ProductStack } from "../support/product-stack.ts";

/**
 * The ticket trail on a client whose directory and PSA are in memory: the ticket, the plan note, the
 * contact, and the final timestamped log, once each, whatever happened in between.
 */
const registry = [...connectors, memoryDirectoryConnector, memoryPsaConnector];
const done = ["completed", "completed-with-warnings", "failed", "cancelled"] as const;

let stack: ProductStack;
let store: Store;
let resolve: PortsResolver;
let client: ClientConfig;
let psa: MemoryPsaState;

before(async () => {
  psa = memoryPsaState({
    contacts: ["anna.schmidt@globex.de"],
    tickets: ["48291", "48292", "48293", "48294", "48295", "48296", "48297", "48298"],
  });
  memoryPsaCompanies.set("globex", psa);
  stack = await productStack({
    registry,
    credentials: [{ ref: "globex/memory", kind: "memory-token", value: { token: "not-a-real-token" } }],
    client: {
      id: "globex",
      displayName: "Globex GmbH",
      domains: ["globex.de"],
      timeZone: "Europe/Berlin",
      usageLocation: "DE",
      groupsByDepartment: { Engineering: ["Engineering", "Alle"] },
      hrContacts: ["hr@globex.de"],
      systems: {
        hr: {
          connector: "memory-directory",
          tenant: "globex-psa",
          credential: "globex/memory",
          groups: ["Engineering", "Alle"],
        },
        tickets: { connector: "memory-psa", company: "globex" },
      },
      mail: { sendMailFrom: "it@globex.de" },
    },
  });
  ({ store, resolve, client } = stack);
});

after(() => stack.close());

async function onboard(body: Record<string, unknown>): Promise<RunDetail> {
  const submitted = await stack.submit(
    "onboard",
    { client: "globex", requester: "hr@globex.de", start: "now", department: "Engineering", ...body },
    "hr@globex.de",
  );
  assert.ok(submitted.ok, JSON.stringify(submitted));
  await waitForStatus(store, submitted.value.runId!, [...done], 30_000);
  return getRun(store, submitted.value.runId!);
}

const notesOn = (number: string) => {
  const ticket = psa.tickets.find((t) => t.number === number)!;
  return psa.notes.filter((n) => n.ticketId === ticket.id);
};

test("an onboarding naming ticket 48291 notes its plan there, creates the contact, and logs every step with its time", async () => {
  const run = await onboard({ firstName: "Jürgen", lastName: "Weiß", ticket: "48291", jobTitle: "Engineer" });
  assert.equal(run.status, "completed", JSON.stringify(run.actions.map((a) => [a.key, a.state, a.outcome])));
  const notes = notesOn("48291");
  assert.equal(notes.length, 2, notes.map((n) => n.text).join("\n---\n"));
  const [plan, log] = notes;
  assert.match(
    plan!.text,
    /^Lifecycle onboarding of juergen\.weiss@globex\.de, requested by hr@globex\.de\./,
  );
  assert.match(plan!.text, /\d+\. Create juergen\.weiss@globex\.de/);
  assert.match(log!.text, /^\d+:\d\d Created juergen\.weiss@globex\.de/m);
  assert.match(log!.text, /^\d+:\d\d Created contact juergen\.weiss@globex\.de/m);
  assert.match(log!.text, /Result: completed\./);
  assert.match(log!.text, /Report: https:\/\/lifecycle\.test\/api\/runs\/.+\/report\?format=html/);
  assert.ok(notes.every((n) => n.internal));
  const contact = psa.contacts.find((c) => c.email === "juergen.weiss@globex.de");
  assert.equal(contact?.active, true);
  assert.equal(psa.tickets.find((t) => t.number === "48291")?.phase, "completed");
  const logStep = run.actions.find((a) => a.key === "psa-log");
  assert.match(
    String((logStep?.outcome as { detail?: string })?.detail),
    /logged all actions to ticket #48291/,
  );
});

test("a first attempt reads each thing once: an onboarding to a named ticket makes eleven PSA calls (the pre-flight's read of the ticket among them)", async () => {
  const before = psa.calls;
  const run = await onboard({ firstName: "Clara", lastName: "Calls", ticket: "48297" });
  assert.equal(run.status, "completed", JSON.stringify(run.actions.map((a) => [a.key, a.state, a.outcome])));
  assert.equal(
    run.actions.filter((a) => a.type.startsWith("psa.")).every((a) => a.attempts === 1),
    true,
  );
  // The ticket looked up (1); the plan posted, the ticket in progress, the note read back (3); the contact
  // looked for, created, read back (3); the log posted, the status set, the log read back (3). Looking for
  // markers no attempt before could have written, or reading twice what plan had just read, was 9 more.
  assert.ok(psa.calls - before <= 11, `${psa.calls - before} PSA calls`);
  assert.equal(notesOn("48297").length, 2);
});

test("without a ticket the run opens one, found again by the run's reference", async () => {
  const before = psa.tickets.length;
  const run = await onboard({ firstName: "Ute", lastName: "Neu" });
  assert.equal(run.status, "completed");
  assert.equal(psa.tickets.length, before + 1);
  const opened = psa.tickets.at(-1)!;
  assert.equal(opened.reference, run.id);
  assert.equal(opened.title, "New starter: Ute Neu");
  assert.equal(notesOn(opened.number).length, 2);
});

test("a PSA down for a while holds only its own steps; once back, each note is posted exactly once", async () => {
  psa.down = true;
  const submitted = await stack.submit(
    "onboard",
    {
      client: "globex",
      requester: "hr@globex.de",
      start: "now",
      firstName: "Otto",
      lastName: "Ausfall",
      ticket: "48292",
    },
    "hr@globex.de",
  );
  assert.ok(submitted.ok, JSON.stringify(submitted));
  const runId = submitted.value.runId!;
  // The directory's work goes on while the PSA is down.
  for (let i = 0; i < 100; i++) {
    const r = await getRun(store, runId);
    if (r.actions.find((a) => a.key === "create-user")?.state === "succeeded") break;
    await new Promise((res) => setTimeout(res, 50));
  }
  const during = await getRun(store, runId);
  assert.equal(during.actions.find((a) => a.key === "create-user")?.state, "succeeded");
  const notesBefore = notesOn("48292").length;
  psa.down = false;
  const run = (await waitForStatus(store, runId, [...done], 30_000), await getRun(store, runId));
  assert.equal(run.status, "completed", JSON.stringify(run.actions.map((a) => [a.key, a.state, a.outcome])));
  const mine = notesOn("48292")
    .slice(notesBefore)
    .filter((n) => n.marker.startsWith(runId));
  assert.equal(mine.length, 2, "the plan note and the log, once each");
  assert.equal(new Set(mine.map((n) => n.marker)).size, 2);
});

test("when a required step fails the log is still posted, names the failure, and the ticket is set to failed", async () => {
  // The manager exists when the plan is checked and is gone when the step runs.
  const directory = (await resolve(client)).directory!;
  const boss = await directory.createUser({
    upn: "gone.boss@globex.de",
    displayName: "Gone Boss",
    givenName: "Gone",
    surname: "Boss",
    mailNickname: "gone.boss",
    usageLocation: "DE",
    password: "unused-in-memory",
  });
  const submitted = await stack.submit(
    "onboard",
    {
      client: "globex",
      requester: "hr@globex.de",
      start: new Date(Date.now() + 1500).toISOString(),
      firstName: "Fritz",
      lastName: "Fehler",
      manager: "gone.boss@globex.de",
      ticket: "48293",
    },
    "hr@globex.de",
  );
  assert.ok(submitted.ok, JSON.stringify(submitted));
  await directory.deleteUser(boss.id);
  const runId = submitted.value.runId!;
  await waitForStatus(store, runId, [...done], 30_000);
  const run = await getRun(store, runId);
  assert.equal(run.status, "failed", JSON.stringify(run.actions.map((a) => [a.key, a.state])));
  const log = notesOn("48293").find((n) => n.marker === `${runId}:psa-log`);
  assert.ok(log, "the log is posted although the run failed");
  assert.match(log.text, /FAILED Set manager gone\.boss@globex\.de: MANAGER_NOT_FOUND/);
  assert.match(log.text, /Result: FAILED at set-manager/);
  assert.equal(psa.tickets.find((x) => x.number === "48293")?.phase, "failed");
});

test("an approval is asked on the ticket before anything changes, and its answer is noted there", async () => {
  await upsertClient(store, { ...client, approval: { ...client.approval, onboarding: "technician" } });
  try {
    const submitted = await stack.submit(
      "onboard",
      {
        client: "globex",
        requester: "hr@globex.de",
        start: "now",
        firstName: "Anja",
        lastName: "Abwarten",
        ticket: "48294",
      },
      "hr@globex.de",
    );
    assert.ok(submitted.ok, JSON.stringify(submitted));
    const runId = submitted.value.runId!;
    await waitForStatus(store, runId, ["awaiting-approval"]);
    const asked = async () => notesOn("48294").find((n) => n.text.startsWith("Waiting for approval"));
    for (let i = 0; i < 100 && !(await asked()); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(
      await asked(),
      notesOn("48294")
        .map((n) => n.text)
        .join("\n---\n"),
    );
    assert.match(
      notesOn("48294")[0]!.text,
      /^Lifecycle onboarding of anja\.abwarten@globex\.de/,
      "the plan comes first",
    );
    assert.equal(psa.tickets.find((t) => t.number === "48294")?.phase, "waiting-on-customer");
    const directory = (await resolve(client)).directory!;
    assert.equal(
      await directory.findUser("anja.abwarten@globex.de"),
      undefined,
      "nothing changed before approval",
    );

    const pending = await getRun(store, runId);
    await signalRun(store, runId, {
      kind: "approve",
      by: asStaff("tech@msp.example"),
      planHash: pending.planHash,
    });
    await waitForStatus(store, runId, [...done], 30_000);
    const texts = notesOn("48294").map((n) => n.text);
    for (let i = 0; i < 100 && !texts.some((t) => t.startsWith("Plan approved")); i++) {
      await new Promise((r) => setTimeout(r, 50));
      texts.splice(0, texts.length, ...notesOn("48294").map((n) => n.text));
    }
    assert.ok(
      texts.some((t) => /^Plan approved by tech@msp\.example/.test(t)),
      texts.join("\n---\n"),
    );
    assert.ok(texts.some((t) => t.startsWith("Lifecycle log of the onboarding")));
    assert.equal(
      new Set(notesOn("48294").map((n) => n.marker)).size,
      notesOn("48294").length,
      "each note once",
    );
  } finally {
    await upsertClient(store, client);
  }
});

test("a client that asks for a note per action gets one for every step as it ends, once each", async () => {
  await upsertClient(store, { ...client, ticketTrail: { notePerAction: true } });
  try {
    const run = await onboard({ firstName: "Paula", lastName: "Proto", ticket: "48295" });
    assert.equal(run.status, "completed");
    const expected = run.actions.filter(
      (a) => !a.type.startsWith("psa.note-") && a.type !== "psa.log-run",
    ).length;
    const perStep = () => notesOn("48295").filter((n) => n.marker.startsWith(`${run.id}:event:`));
    for (let i = 0; i < 100 && perStep().length < expected; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(
      perStep().length >= expected,
      perStep()
        .map((n) => n.text)
        .join("\n"),
    );
    assert.ok(perStep().some((n) => /^create-user: created paula\.proto@globex\.de/.test(n.text)));
    assert.equal(
      new Set(notesOn("48295").map((n) => n.marker)).size,
      notesOn("48295").length,
      "each note once",
    );
  } finally {
    await upsertClient(store, client);
  }
});

test("a PSA down when the ticket should hear of an approval: the run's timeline says so, and the note follows once it is back", async () => {
  await upsertClient(store, { ...client, approval: { ...client.approval, onboarding: "technician" } });
  try {
    const submitted = await stack.submit(
      "onboard",
      {
        client: "globex",
        requester: "hr@globex.de",
        start: "now",
        firstName: "Dora",
        lastName: "Down",
        ticket: "48296",
      },
      "hr@globex.de",
    );
    assert.ok(submitted.ok, JSON.stringify(submitted));
    const runId = submitted.value.runId!;
    const posted = (prefix: string) => notesOn("48296").filter((n) => n.text.startsWith(prefix));
    for (let i = 0; i < 100 && !posted("Waiting for approval").length; i++)
      await new Promise((r) => setTimeout(r, 50));
    psa.down = true;
    const pending = await getRun(store, runId);
    await signalRun(store, runId, {
      kind: "approve",
      by: asStaff("tech@msp.example"),
      planHash: pending.planHash,
    });
    let events = (await getRun(store, runId)).events;
    for (let i = 0; i < 100 && !events.some((e) => e.type === "ticket.delayed"); i++) {
      await new Promise((r) => setTimeout(r, 50));
      events = (await getRun(store, runId)).events;
    }
    const delayed = events.filter((e) => e.type === "ticket.delayed");
    assert.equal(delayed.length, 1, "said once, however often the trail tried");
    assert.match(delayed[0]?.message ?? "", /ticket notes delayed: memory PSA is down/);
    psa.down = false;
    await waitForStatus(store, runId, [...done], 60_000);
    for (let i = 0; i < 200 && !posted("Plan approved").length; i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal(posted("Plan approved").length, 1);
  } finally {
    psa.down = false;
    await upsertClient(store, client);
  }
});

test("a trail running behind the run never puts back an older status: the ticket ends as the run did", async () => {
  await upsertClient(store, { ...client, approval: { ...client.approval, onboarding: "technician" } });
  try {
    const submitted = await stack.submit(
      "onboard",
      {
        client: "globex",
        requester: "hr@globex.de",
        start: "now",
        firstName: "Lena",
        lastName: "Later",
        ticket: "48298",
      },
      "hr@globex.de",
    );
    assert.ok(submitted.ok, JSON.stringify(submitted));
    const runId = submitted.value.runId!;
    // Another trail's pass holds the run, as a slow one would, while the approval is asked and given.
    await store.query(
      `insert into ticket_trail (run_id, last_event_id, lease_owner, lease_until)
       values ($1, 0, 'test:slow-pass', now() + interval '1 hour')
       on conflict (run_id) do update set lease_owner = excluded.lease_owner, lease_until = excluded.lease_until`,
      [runId],
    );
    await waitForStatus(store, runId, ["awaiting-approval"]);
    const pending = await getRun(store, runId);
    await signalRun(store, runId, {
      kind: "approve",
      by: asStaff("tech@msp.example"),
      planHash: pending.planHash,
    });
    await waitForStatus(store, runId, [...done], 30_000);
    const ticket = psa.tickets.find((t) => t.number === "48298")!;
    assert.equal(ticket.phase, "completed");
    await store.query(`update ticket_trail set lease_owner = null, lease_until = null where run_id = $1`, [
      runId,
    ]);
    const told = () => notesOn("48298").filter((n) => /^(Waiting for approval|Plan approved)/.test(n.text));
    for (let i = 0; i < 200 && told().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(told().length, 2, "the approval asked and given are still told");
    assert.equal(ticket.phase, "completed", "not waiting on the customer, nor in progress again");
  } finally {
    await upsertClient(store, client);
  }
});

test("no note holds a password, a pass, a one-time link or a token", () => {
  for (const n of psa.notes) {
    assert.doesNotMatch(n.text, /\/credentials\//);
    assert.doesNotMatch(n.text, /password\s*[:=]/i);
    assert.doesNotMatch(n.text, /not-a-real-token/);
  }
});
