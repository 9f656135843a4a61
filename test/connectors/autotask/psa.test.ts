import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, beforeEach, describe, test } from "node:test";
import { initech, type AutotaskEmulator } from "../../../emulators/autotask/index.ts";
import { VendorError } from "../../../src/connectors/http/index.ts";
import { LifecycleError } from "../../../src/domain/errors.ts";
import { EndpointGate, ZoneCache } from "../../../src/connectors/autotask/transport.ts";
import { rig, startInitech, type Rig } from "./support.ts";

let emulator: AutotaskEmulator;
let r: Rig;
before(async () => {
  emulator = await startInitech();
});
after(async () => emulator.close());
beforeEach(() => {
  emulator.admin.clearFaults();
  emulator.admin.clearCalls();
  emulator.admin.configure({
    threadLimit: 3,
    latency: { read: { meanMs: 1, jitter: 1 }, write: { meanMs: 1, jitter: 1 } },
  });
  emulator.admin.setThresholdUsage(0);
  r = rig(emulator);
});

const seededTicket = () => emulator.admin.tickets().find((t) => t.ticketNumber === initech.openTicketNumber)!;

async function rejection(work: Promise<unknown>): Promise<VendorError> {
  try {
    await work;
  } catch (err) {
    assert.ok(err instanceof VendorError, `expected a VendorError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected the call to fail");
}

describe("contacts", () => {
  test("a contact is created under the client's company, active, and found by its address", async () => {
    const email = `bill.lumbergh-${randomUUID().slice(0, 6)}@initech.com`;
    const created = await r.psa.createContact({
      firstName: "Bill",
      lastName: "Lumbergh",
      email,
      title: "VP",
    });
    const stored = emulator.admin.contact(Number(created.id))!;
    assert.equal(stored.companyID, initech.companyID);
    assert.equal(stored.isActive, 1);
    assert.equal(stored.title, "VP");
    const found = await r.psa.findContact(email.toUpperCase());
    assert.deepEqual(found, { id: created.id, email, firstName: "Bill", lastName: "Lumbergh", active: true });
    const post = emulator.admin.calls().find((c) => c.method === "POST" && /Companies/.test(c.url))!;
    assert.equal(post.route.toLowerCase(), "/atservicesrest/v1.0/companies/:parentid/contacts");
  });

  test("deactivating sets Autotask's own isActive flag to 0, by PATCH on the company's contacts", async () => {
    const peter = (await r.psa.findContact(initech.contacts.michael))!;
    await r.psa.setContactActive(peter.id, false);
    assert.equal(emulator.admin.contact(Number(peter.id))?.isActive, 0);
    const patch = emulator.admin.calls().find((c) => c.method === "PATCH")!;
    assert.deepEqual(patch.requestBody, { id: Number(peter.id), isActive: 0 });
    await r.psa.setContactActive(peter.id, true);
    assert.equal((await r.psa.findContact(initech.contacts.michael))?.active, true);
  });

  test("an id Autotask could not have issued is refused before any call", async () => {
    await assert.rejects(r.psa.setContactActive("abc", false), (e: LifecycleError) => {
      assert.equal(e.failure.code, "PSA_ID_INVALID");
      assert.equal(e.failure.kind, "invalid");
      return true;
    });
    assert.equal(emulator.admin.calls().filter((c) => c.method === "PATCH").length, 0);
  });
});

describe("tickets", () => {
  test("a ticket is found by its number, by its id given as digits, and a number that does not exist is nothing", async () => {
    const seeded = seededTicket();
    const byNumber = await r.psa.findTicket(initech.openTicketNumber);
    assert.deepEqual(byNumber, {
      id: String(seeded.id),
      number: initech.openTicketNumber,
      title: seeded.title,
      closed: false,
    });
    assert.equal((await r.psa.findTicket(String(seeded.id)))?.number, initech.openTicketNumber);
    assert.equal(await r.psa.findTicket("T20990101.0001"), undefined);
    assert.equal(await r.psa.findTicket("424242"), undefined);
  });

  test("another company's ticket is not the client's, even by its number", async () => {
    emulator.admin.addCompany({ id: 777, companyName: "Initrode" });
    const other = emulator.admin.addTicket({
      companyID: 777,
      title: "Theirs",
      status: 1,
      priority: 2,
      queueID: initech.queues.serviceDesk,
    });
    assert.equal(await r.psa.findTicket(other.ticketNumber), undefined);
  });

  test("a ticket is opened on the configured queue with status New and Lifecycle's reference as externalID", async () => {
    const reference = randomUUID();
    const t = await r.psa.openTicket({
      title: "Onboard Joanna",
      description: "Plan",
      reference,
      contactId: undefined,
    });
    const stored = emulator.admin.ticket(Number(t.id))!;
    assert.equal(stored.queueID, initech.queues.onboarding);
    assert.equal(stored.status, 1);
    assert.equal(stored.priority, initech.priorities.medium);
    assert.equal(stored.externalID, reference);
    assert.match(t.number, /^T\d{8}\.\d{4}$/);
    assert.equal((await r.psa.findTicketByReference(reference))?.id, t.id);
  });

  test("each phase sets the status the client maps it to; an unmapped phase leaves the ticket alone", async () => {
    const t = await r.psa.openTicket({ title: "Phases", description: "x", reference: randomUUID() });
    await r.psa.setTicketPhase(t.id, "waiting-on-customer");
    assert.equal(emulator.admin.ticket(Number(t.id))?.status, initech.statuses.waitingCustomer);
    emulator.admin.clearCalls();
    await r.psa.setTicketPhase(t.id, "in-progress");
    assert.equal(emulator.admin.calls().length, 0, "no call for a phase with no status");
    await r.psa.setTicketPhase(t.id, "completed");
    assert.equal(emulator.admin.ticket(Number(t.id))?.status, 5);
    assert.ok(emulator.admin.ticket(Number(t.id))?.completedDate);
  });
});

describe("notes", () => {
  test("a note is internal (the configured publish value), typed and titled, and carries its marker", async () => {
    const ticket = seededTicket();
    const marker = `lifecycle:${randomUUID()}`;
    const note = await r.psa.addNote(String(ticket.id), { text: "0:02 Created user in Entra ID", marker });
    const stored = emulator.admin.notes(ticket.id).find((n) => String(n.id) === note.id)!;
    assert.equal(stored.publish, initech.publish.internalOnly);
    assert.equal(stored.noteType, 1);
    assert.equal(stored.title, "Lifecycle");
    assert.match(stored.description, /^0:02 Created user in Entra ID\n\nLifecycle-Marker: lifecycle:/);
  });

  test("a note posted again with the same marker is found, not duplicated", async () => {
    const ticket = seededTicket();
    const marker = `lifecycle:${randomUUID()}`;
    const post = async () =>
      (await r.psa.findNote(String(ticket.id), marker)) ??
      (await r.psa.addNote(String(ticket.id), { text: "Mailbox converted", marker }));
    const first = await post();
    const second = await post();
    assert.equal(second.id, first.id);
    assert.equal(second.marker, marker);
    const withMarker = emulator.admin.notes(ticket.id).filter((n) => n.description.includes(marker));
    assert.equal(withMarker.length, 1);
  });

  test("findNote pages through the ticket's notes by nextPageUrl", async () => {
    const paged = rig(emulator, { section: { pageSize: 2 } });
    const t = await paged.psa.openTicket({ title: "Many notes", description: "x", reference: randomUUID() });
    const markers = Array.from({ length: 5 }, () => `lifecycle:${randomUUID()}`);
    for (const marker of markers) await paged.psa.addNote(t.id, { text: "step", marker });
    emulator.admin.clearCalls();
    assert.ok(await paged.psa.findNote(t.id, markers[4]!));
    const pages = emulator.admin.calls().filter((c) => /TicketNotes\/query/i.test(c.url));
    assert.deepEqual(
      pages.map((c) => c.method),
      ["POST", "GET", "GET"],
    );
    assert.equal(await paged.psa.findNote(t.id, `lifecycle:${randomUUID()}`), undefined);
  });

  test("a note on a ticket that does not exist fails as not found", async () => {
    const e = await rejection(r.psa.addNote("99999999", { text: "x", marker: "m-1" }));
    assert.equal(e.failure.kind, "not-found");
    assert.equal(e.status, 404);
  });
});

describe("picklists", () => {
  const fieldReads = () =>
    emulator.admin
      .calls()
      .filter((c) => /entityInformation\/fields/i.test(c.url))
      .map((c) => c.url);
  const configError = (check: (message: string) => void) => (e: unknown) => {
    assert.ok(e instanceof LifecycleError, `a LifecycleError, not ${String(e)}`);
    assert.equal(e.failure.code, "PSA_CONFIG_VALUE_UNKNOWN");
    assert.equal(e.failure.kind, "invalid");
    check(e.failure.message);
    return true;
  };

  test("the config may name queue, priority, statuses, note type and publish value by their labels", async () => {
    const labelled = rig(emulator, {
      section: {
        queueID: "onboarding & offboarding",
        priority: "Medium",
        ticketType: "Service Request",
        statuses: { new: "New", closed: ["Complete"], phases: { "waiting-on-customer": "Waiting Customer" } },
        notes: { publish: "Internal Only", noteType: "Task Summary" },
      },
    });
    const t = await labelled.psa.openTicket({ title: "By label", description: "x", reference: randomUUID() });
    const stored = emulator.admin.ticket(Number(t.id))!;
    assert.equal(stored.queueID, initech.queues.onboarding);
    assert.equal(stored.priority, initech.priorities.medium);
    assert.equal(stored.ticketType, initech.ticketTypes.serviceRequest);
    assert.equal(stored.status, initech.statuses.new);
    await labelled.psa.setTicketPhase(t.id, "waiting-on-customer");
    assert.equal(emulator.admin.ticket(Number(t.id))?.status, initech.statuses.waitingCustomer);
    const note = await labelled.psa.addNote(t.id, { text: "x", marker: `m-${randomUUID()}` });
    const written = emulator.admin.notes(Number(t.id)).find((n) => String(n.id) === note.id)!;
    assert.equal(written.publish, initech.publish.internalOnly);
    assert.equal(written.noteType, initech.noteTypes.taskSummary);
  });

  test("the picklists are read once per connector instance, one call per entity", async () => {
    await r.psa.findTicket(initech.openTicketNumber);
    const t = await r.psa.openTicket({ title: "Once", description: "x", reference: randomUUID() });
    await r.psa.addNote(t.id, { text: "x", marker: `m-${randomUUID()}` });
    await r.psa.setTicketPhase(t.id, "completed");
    const reads = fieldReads();
    assert.equal(reads.length, 2);
    assert.ok(reads.some((u) => /\/V1\.0\/Tickets\/entityInformation\/fields$/i.test(u)));
    assert.ok(reads.some((u) => /\/V1\.0\/TicketNotes\/entityInformation\/fields$/i.test(u)));
  });

  test("a value the instance does not have fails the first ticket call, naming the field, before anything is written", async () => {
    await assert.rejects(
      rig(emulator, { section: { priority: 99 } }).psa.openTicket({
        title: "x",
        description: "x",
        reference: randomUUID(),
      }),
      configError((m) => {
        assert.match(m, /99 for priority/);
        assert.match(m, /Tickets\.priority/);
        assert.match(m, /2 "Medium"/, "the values there are named");
      }),
    );
    await assert.rejects(
      rig(emulator, { section: { notes: { publish: "Internal" } } }).psa.findTicket(initech.openTicketNumber),
      configError((m) => assert.match(m, /"Internal" for notes\.publish.*TicketNotes\.publish/)),
    );
    await assert.rejects(
      rig(emulator, { section: { statuses: { phases: { completed: "Done" } } } }).psa.findTicket(
        initech.openTicketNumber,
      ),
      configError((m) => assert.match(m, /statuses\.phases\.completed/)),
    );
    assert.equal(emulator.admin.calls().filter((c) => c.method !== "GET" && !/query/.test(c.url)).length, 0);
  });

  test("an inactive value is refused where it is written, but still reads as closed", async () => {
    const statuses = emulator.admin.picklist("status");
    emulator.admin.setPicklist("status", [...statuses, { value: 9, label: "Closed (old)" }]);
    try {
      const old = emulator.admin.addTicket({
        companyID: initech.companyID,
        title: "Closed long ago",
        status: 9,
        priority: 2,
        queueID: initech.queues.serviceDesk,
      });
      emulator.admin.setPicklist("status", [
        ...statuses,
        { value: 9, label: "Closed (old)", isActive: false },
      ]);
      const retired = rig(emulator, { section: { statuses: { closed: [5, "Closed (old)"] } } });
      assert.equal((await retired.psa.findTicket(old.ticketNumber))?.closed, true);
      await assert.rejects(
        rig(emulator, { section: { statuses: { phases: { completed: 9 } } } }).psa.findTicket(
          old.ticketNumber,
        ),
        configError((m) => assert.match(m, /not an active value/)),
      );
    } finally {
      emulator.admin.setPicklist("status", statuses);
    }
  });

  test("a value added in Autotask after a failed check is found on the next try", async () => {
    const queues = emulator.admin.picklist("queueID");
    const p = rig(emulator, { section: { queueID: "Lifecycle" } });
    try {
      await assert.rejects(p.psa.openTicket({ title: "x", description: "x", reference: randomUUID() }));
      emulator.admin.setPicklist("queueID", [...queues, { value: 29683999, label: "Lifecycle" }]);
      const t = await p.psa.openTicket({ title: "x", description: "x", reference: randomUUID() });
      assert.equal(emulator.admin.ticket(Number(t.id))?.queueID, 29683999);
    } finally {
      emulator.admin.setPicklist("queueID", queues);
    }
  });
});

describe("errors, limits and zones", () => {
  test("a refused create (HTTP 500 with errors[]) is an invalid VendorError keeping Autotask's message and status", async () => {
    // The connector read the priorities while 2 was there; Autotask retired it since.
    await r.psa.findTicket(initech.openTicketNumber);
    const priorities = emulator.admin.picklist("priority");
    emulator.admin.setPicklist(
      "priority",
      priorities.map((p) => ({ ...p, isActive: p.value !== 2 })),
    );
    try {
      const e = await rejection(r.psa.openTicket({ title: "x", description: "x", reference: randomUUID() }));
      assert.equal(e.failure.kind, "invalid");
      assert.equal(e.failure.code, "VENDOR_INVALID");
      assert.equal(e.status, 500);
      assert.match(e.message, /Value 2 does not exist in the picklist for priority/);
      assert.match(e.vendor.body ?? "", /"errors"/);
      // The refusal has the picklists read again: the next try names the retired value itself.
      await assert.rejects(
        r.psa.openTicket({ title: "x", description: "x", reference: randomUUID() }),
        (err: LifecycleError) => err.failure.code === "PSA_CONFIG_VALUE_UNKNOWN",
      );
    } finally {
      emulator.admin.setPicklist("priority", priorities);
    }
  });

  test("a wrong secret is an authentication failure, and the secret is in no part of the error", async () => {
    const wrong = rig(emulator, { credential: { ...initech.apiUser, secret: "not-the-secret-xyz" } });
    const e = await rejection(wrong.psa.findContact(initech.contacts.peter));
    assert.equal(e.failure.kind, "permission");
    assert.equal(e.failure.code, "AUTH_FAILED");
    assert.equal(e.status, 401);
    assert.ok(!JSON.stringify(e.failure).includes("not-the-secret-xyz"));
    assert.ok(!JSON.stringify(emulator.admin.calls()).includes(initech.apiUser.secret));
  });

  test("a 429 is retried by the http layer honouring Retry-After, and the call then succeeds", async () => {
    emulator.admin.injectFault({
      kind: "status",
      status: 429,
      retryAfterSeconds: 0.01,
      count: 1,
      pathPattern: "Contacts/query",
    });
    assert.ok(await r.psa.findContact(initech.contacts.peter));
    assert.deepEqual(
      emulator.admin
        .calls()
        .filter((c) => /Contacts\/query/.test(c.url))
        .map((c) => c.status),
      [429, 200],
    );
  });

  test("a PSA that is down is transient: the step waits and retries", async () => {
    emulator.admin.injectFault({ kind: "status", status: 503, count: 10, pathPattern: "Tickets/query" });
    const e = await rejection(r.psa.findTicket(initech.openTicketNumber));
    assert.equal(e.failure.kind, "transient");
    assert.equal(e.failure.code, "VENDOR_UNAVAILABLE");
  });

  test("a suspended database (hourly threshold used up) is handed to the engine at once, with the configured wait", async () => {
    // Retries to spare: a suspension lasts until the hour's usage drops, so none may be spent on it.
    const suspended = rig(emulator, {
      maxRetries: 4,
      section: { throttling: { suspendedRetryAfterMs: 120_000 } },
    });
    await suspended.transport.zone();
    emulator.admin.setThresholdUsage(10_000);
    emulator.admin.clearCalls();
    const e = await rejection(suspended.psa.findContact(initech.contacts.peter));
    assert.equal(e.failure.kind, "throttled");
    assert.equal(e.failure.code, "AUTOTASK_THRESHOLD_EXCEEDED");
    assert.equal(e.failure.retryAfterMs, 120_000);
    assert.equal(e.status, 429);
    assert.deepEqual(
      emulator.admin.calls().map((c) => c.status),
      [429],
      "one refused call, no retry inside the step",
    );
  });

  test("a suspension answered with another status (a setting) is recognised and handed over just the same", async () => {
    emulator.admin.configure({ suspendedStatus: 503 });
    try {
      const suspended = rig(emulator, {
        maxRetries: 4,
        section: { throttling: { suspendedStatus: 503, suspendedRetryAfterMs: 600_000 } },
      });
      await suspended.transport.zone();
      emulator.admin.setThresholdUsage(10_000);
      emulator.admin.clearCalls();
      const e = await rejection(suspended.psa.findTicket(initech.openTicketNumber));
      assert.equal(e.failure.code, "AUTOTASK_THRESHOLD_EXCEEDED");
      assert.equal(e.failure.retryAfterMs, 600_000);
      assert.equal(e.status, 503);
      assert.equal(emulator.admin.calls().length, 1);
    } finally {
      emulator.admin.configure({ suspendedStatus: 429 });
    }
  });

  test("a thread-limit refusal (a short 429) is still retried inside the step", async () => {
    emulator.admin.injectFault({ kind: "status", status: 429, count: 1, pathPattern: "Tickets/query" });
    const t = await rig(emulator, { maxRetries: 2 }).psa.findTicket(initech.openTicketNumber);
    assert.equal(t?.number, initech.openTicketNumber);
  });

  test("the threshold is read from ThresholdInformation; above half of it every call is slowed", async () => {
    emulator.admin.setThresholdUsage(6_000);
    const usage = await r.transport.threshold();
    assert.equal(usage.externalRequestThreshold, 10_000);
    // The hour rolls: the bucket refills a little while the slowed call is served.
    assert.ok(usage.currentTimeframeRequestCount > 5_990 && usage.currentTimeframeRequestCount <= 6_001);
    emulator.admin.configure({ thresholdLatencyMs: { min: 120, max: 130 } });
    const t0 = Date.now();
    await r.psa.findContact(initech.contacts.peter);
    assert.ok(Date.now() - t0 >= 110, "latency added above 50 %");
  });

  test("the thread limit: the connector keeps 3 in flight per endpoint; more at once are refused by Autotask", async () => {
    emulator.admin.configure({ latency: { read: { meanMs: 40, jitter: 0 } } });
    const burst = (psa: Rig["psa"]) =>
      Promise.allSettled(Array.from({ length: 8 }, () => psa.findContact(initech.contacts.peter)));
    const gated = await burst(r.psa);
    assert.ok(gated.every((s) => s.status === "fulfilled"));
    assert.ok(!emulator.admin.calls().some((c) => c.status === 429), "the gate kept within the limit");
    emulator.admin.clearCalls();
    const ungated = rig(emulator, { gate: new EndpointGate(100), maxRetries: 0 });
    await ungated.transport.zone();
    const results = await burst(ungated.psa);
    assert.ok(results.some((s) => s.status === "rejected"));
    assert.ok(
      emulator.admin.calls().some((c) => c.status === 429),
      "Autotask refused the fourth at once",
    );
  });

  test("the zone is discovered once per API user and process, without credentials", async () => {
    const zones = new ZoneCache();
    const a = rig(emulator, { zones });
    const b = rig(emulator, { zones });
    await a.psa.findContact(initech.contacts.peter);
    await b.psa.findTicket(initech.openTicketNumber);
    const discoveries = emulator.admin.calls().filter((c) => /zoneInformation/i.test(c.url));
    assert.equal(discoveries.length, 1);
    assert.equal(discoveries[0]!.requestHeaders.Secret, undefined);
    assert.match(discoveries[0]!.url, /user=lifecycle-api%40msp-demo\.example/);
  });

  test("a user zone discovery does not know fails as a configuration problem", async () => {
    const unknown = rig(emulator, { credential: { ...initech.apiUser, userName: "nobody@nowhere.example" } });
    const e = await rejection(unknown.psa.findContact(initech.contacts.peter));
    assert.equal(e.failure.code, "AUTOTASK_ZONE_UNKNOWN");
    assert.equal(e.failure.kind, "invalid");
  });
});
