import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, test } from "node:test";
import { VendorError } from "../../../src/connectors/http/index.ts";
import { haloDemo, rig, wire, type Rig } from "./support.ts";

let current: Rig | undefined;
async function open(...args: Parameters<typeof rig>): Promise<Rig> {
  current = await rig(...args);
  return current;
}
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function failure(p: Promise<unknown>): Promise<VendorError> {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof VendorError, `expected a VendorError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the call to fail");
}

describe("contacts", () => {
  test("finds the contact at the client only: Globex's Tom Williams is not Acme's", async () => {
    const { psa } = await open();
    const tom = await psa.findContact("Tom.Williams@AcmeCorp.com");
    assert.deepEqual(tom, {
      id: String(haloDemo.acme.contacts.tom),
      email: "tom.williams@acmecorp.com",
      firstName: "Tom",
      lastName: "Williams",
      active: true,
    });
    assert.equal(await psa.findContact("twilliams@globex.de"), undefined);
  });

  test("creates the contact at the client's site with one array-body POST", async () => {
    const { psa, halo } = await open();
    const created = await psa.createContact({
      firstName: "Sarah",
      lastName: "Johnson",
      email: "sarah.johnson@acmecorp.com",
      title: "Marketing Coordinator",
      phone: "+1 555 0142",
    });
    const stored = halo.admin.contact(Number(created.id));
    assert.equal(stored.site_id, haloDemo.acme.siteId);
    assert.equal(stored.client_id, haloDemo.acme.clientId);
    assert.equal(stored.name, "Sarah Johnson");
    assert.equal(stored.title, "Marketing Coordinator");
    const post = halo.admin.calls().find((c) => c.method === "POST" && c.url === "/api/Users");
    assert.ok(Array.isArray(post?.requestBody) && post.requestBody.length === 1);
  });

  test("deactivating sets Halo's own inactive flag; the contact is still found, inactive; reactivating undoes it", async () => {
    const { psa, halo } = await open();
    const id = String(haloDemo.acme.contacts.mike);
    await psa.setContactActive(id, false);
    assert.equal(halo.admin.contact(Number(id)).inactive, true);
    assert.equal((await psa.findContact("mike.chen@acmecorp.com"))?.active, false);
    await psa.setContactActive(id, true);
    assert.equal(halo.admin.contact(Number(id)).inactive, false);
  });

  test("pages through every page of the search until the address turns up", async () => {
    const { psa, halo } = await open({ pageSize: 2 });
    for (let i = 1; i <= 5; i++)
      halo.admin.createContact({
        site: haloDemo.acme.siteId,
        firstname: "Old",
        surname: `Tom ${i}`,
        emailaddress: `${i}.tom.williams@acmecorp.com`,
      });
    halo.admin.clearCalls();
    const found = await psa.findContact("tom.williams@acmecorp.com");
    assert.equal(found?.id, String(haloDemo.acme.contacts.tom));
    const pages = wire(halo).filter((l) => l.startsWith("GET /api/Users"));
    assert.equal(pages.length, 3, pages.join("\n"));
    assert.match(pages[2] ?? "", /pageinate=true&page_size=2&page_no=3/);
  });
});

describe("tickets", () => {
  test("finds ticket 48291 by its number; an unknown number, a non-number and another client's ticket are nothing", async () => {
    const { psa, halo } = await open();
    const t = await psa.findTicket("48291");
    assert.deepEqual(t, { id: "48291", number: "48291", title: "New starter: Sarah Johnson", closed: false });
    assert.equal((await psa.findTicket("#48291"))?.id, "48291");
    assert.equal(await psa.findTicket("987654321"), undefined);
    assert.equal(await psa.findTicket("INC-1"), undefined);
    const globex = halo.admin.tickets(haloDemo.globex.clientId)[0]!;
    assert.equal(await psa.findTicket(String(globex.id)), undefined);
  });

  test("opens the ticket on the client's ticket type and team, with the reference, found again by it", async () => {
    const { psa, halo } = await open({
      ticketTypeId: 3,
      team: "Onboarding",
      ticketUrl: "https://msp.halopsa.com/ticket?id={id}",
    });
    const reference = randomUUID();
    const t = await psa.openTicket({
      title: "Onboard Sarah Johnson",
      description: "Plan:\n1. Create <user>\n\nThanks",
      reference,
      contactId: String(haloDemo.acme.contacts.mike),
    });
    assert.equal(t.url, `https://msp.halopsa.com/ticket?id=${t.id}`);
    const stored = halo.admin.ticket(Number(t.id));
    assert.equal(stored.tickettype_id, 3);
    assert.equal(stored.team, "Onboarding");
    assert.equal(stored.third_party_id_string, reference);
    assert.equal(stored.user_id, haloDemo.acme.contacts.mike);
    assert.equal(stored.site_id, haloDemo.acme.siteId);
    assert.equal(stored.details_html, "<p>Plan:<br>1. Create &lt;user&gt;</p><p>Thanks</p>");
    assert.equal((await psa.findTicketByReference(reference))?.id, t.id);
    assert.equal(await psa.findTicketByReference(randomUUID()), undefined);
  });

  test("without a configured site, a ticket for a contact takes the contact's own site (Halo wants one)", async () => {
    const { psa, halo } = await open({ siteId: undefined });
    const t = await psa.openTicket({
      title: "x",
      description: "y",
      reference: randomUUID(),
      contactId: String(haloDemo.acme.contacts.tom),
    });
    assert.equal(halo.admin.ticket(Number(t.id)).site_id, haloDemo.acme.siteId);
  });

  test("each phase sets its mapped status; a phase with no status sends nothing", async () => {
    const { psa, halo } = await open({ statuses: { "waiting-on-customer": 4, completed: 8 } });
    await psa.setTicketPhase("48291", "waiting-on-customer");
    assert.equal(halo.admin.ticket(48291).status_id, 4);
    halo.admin.clearCalls();
    await psa.setTicketPhase("48291", "failed");
    assert.deepEqual(wire(halo), []);
    await psa.setTicketPhase("48291", "completed");
    assert.equal(halo.admin.ticket(48291).hasbeenclosed, true);
  });

  for (const includesClosed of [false, true])
    test(`a closed ticket is still found by its reference and by its number (the list ${includesClosed ? "includes" : "hides"} closed ones by default)`, async () => {
      const { psa, halo } = await open();
      halo.admin.configure({ ticketListIncludesClosed: includesClosed });
      const reference = randomUUID();
      const t = await psa.openTicket({ title: "Closed later", description: "x", reference });
      await psa.setTicketPhase(t.id, "completed");
      assert.equal(halo.admin.ticket(Number(t.id)).hasbeenclosed, true);
      halo.admin.clearCalls();
      const byReference = await psa.findTicketByReference(reference);
      assert.equal(byReference?.id, t.id);
      assert.equal(byReference?.closed, true);
      const lists = wire(halo).filter((c) => c.startsWith("GET /api/Tickets?"));
      assert.equal(lists.length, 2, "asked for open ones, then for closed ones");
      assert.match(lists[0]!, /open_only=true/);
      assert.match(lists[1]!, /closed_only=true/);
      assert.equal((await psa.findTicket(t.number))?.closed, true);
    });

  test("an open ticket is found by its reference in one call", async () => {
    const { psa, halo } = await open();
    const reference = randomUUID();
    const t = await psa.openTicket({ title: "Open", description: "x", reference });
    halo.admin.clearCalls();
    assert.equal((await psa.findTicketByReference(reference))?.id, t.id);
    assert.equal(wire(halo).length, 1);
  });

  test("a referenceField the instance will not search is refused as such, not as an empty answer", async () => {
    const { psa, halo } = await open();
    halo.admin.configure({ ticketSearchFields: ["summary"] });
    const error = await failure(psa.findTicketByReference(randomUUID()));
    assert.equal(error.failure.kind, "invalid");
    assert.equal(error.failure.code, "PSA_SEARCH_REFUSED");
    assert.equal(error.status, 400);
  });
});

describe("notes", () => {
  test("a note is an internal action with the configured outcome, its marker in the last paragraph", async () => {
    const { psa, halo } = await open();
    const marker = `lifecycle:${randomUUID()}`;
    const note = await psa.addNote("48291", { text: "0:02 Created user in Entra ID", marker });
    const [stored] = halo.admin.notes(48291);
    assert.equal(stored?.id, Number(note.id));
    assert.equal(stored?.hiddenfromuser, true);
    assert.equal(stored?.outcome_id, 7);
    assert.equal(stored?.note_html, `<p>0:02 Created user in Entra ID</p><p>Lifecycle-Marker: ${marker}</p>`);
  });

  test("posted twice with the same marker: the second time finds the first, and the ticket has one note", async () => {
    const { psa, halo } = await open();
    const marker = `lifecycle:${randomUUID()}`;
    const post = async () =>
      (await psa.findNote("48291", marker)) ?? (await psa.addNote("48291", { text: "done", marker }));
    const first = await post();
    const second = await post();
    assert.equal(second.id, first.id);
    assert.equal(halo.admin.notes(48291).length, 1);
    assert.equal(await psa.findNote("48291", `${marker}x`), undefined, "a longer marker is another marker");
  });

  test("Halo's refusal of a note without a known outcome keeps its words and status, as PSA_NOTE_TYPE_REQUIRED", async () => {
    const { psa } = await open({ noteOutcomeId: 999 });
    const error = await failure(psa.addNote("48291", { text: "x", marker: "m" }));
    assert.equal(error.failure.kind, "invalid");
    assert.equal(error.failure.code, "PSA_NOTE_TYPE_REQUIRED");
    assert.equal(error.status, 400);
    assert.match(error.message, /An Outcome must be entered for this Action/);
    assert.match(error.vendor.body ?? "", /An Outcome must be entered/);
  });

  test("in the {ClassName, Message} style the vendor's class is kept as its code", async () => {
    const { psa, halo } = await open({ noteOutcomeId: 999 });
    halo.admin.configure({ errorStyle: "classname" });
    const error = await failure(psa.addNote("48291", { text: "x", marker: "m" }));
    assert.equal(error.vendor.code, "System.Exception");
    assert.equal(error.failure.code, "PSA_NOTE_TYPE_REQUIRED");
  });

  test("a note on a ticket that does not exist fails not-found, once: a note is never resent blindly", async () => {
    const { psa, halo } = await open();
    const error = await failure(psa.addNote("777", { text: "x", marker: "m" }));
    assert.equal(error.failure.kind, "not-found");
    assert.equal(wire(halo).filter((l) => l.startsWith("POST /api/Actions")).length, 1);
  });
});

describe("transport", () => {
  test("a 429 with Retry-After is waited out and retried by the http layer", async () => {
    const { psa, halo } = await open();
    halo.admin.injectFault({
      kind: "status",
      status: 429,
      retryAfterSeconds: 0.05,
      pathPattern: "^/api/Users",
    });
    const t0 = Date.now();
    assert.ok(await psa.findContact("tom.williams@acmecorp.com"));
    assert.ok(Date.now() - t0 >= 50);
    assert.deepEqual(
      wire(halo)
        .filter((l) => l.startsWith("GET /api/Users"))
        .map((l) => l.split(" ").at(-1)),
      ["429", "200"],
    );
  });

  test("the emulator's own request budget answers 429 + Retry-After, and the connector rides it out", async () => {
    const { psa, halo } = await open();
    halo.admin.configure({ rateLimit: { requests: 2, windowMs: 200 } });
    for (let i = 0; i < 4; i++) assert.ok(await psa.findTicket("48291"));
    const throttled = halo.admin.calls().filter((c) => c.status === 429);
    assert.ok(throttled.length >= 1, "the budget never ran out");
  });

  test("a 429 on a note is retried (refused, so not done); a 503 on a note is not", async () => {
    const { psa, halo } = await open();
    halo.admin.injectFault({
      kind: "status",
      status: 429,
      retryAfterSeconds: 0,
      pathPattern: "^/api/Actions",
      method: "POST",
    });
    await psa.addNote("48291", { text: "x", marker: "m1" });
    halo.admin.injectFault({ kind: "status", status: 503, pathPattern: "^/api/Actions", method: "POST" });
    const error = await failure(psa.addNote("48291", { text: "y", marker: "m2" }));
    assert.equal(error.failure.kind, "transient");
    assert.equal(error.failure.code, "VENDOR_UNAVAILABLE");
    assert.equal(error.status, 503);
  });

  test("a Halo that stays down fails transient after the retries, with the status kept", async () => {
    const { psa, halo } = await open();
    halo.admin.injectFault({ kind: "status", status: 500, count: 10, pathPattern: "^/api/Tickets" });
    const error = await failure(psa.findTicket("48291"));
    assert.equal(error.failure.kind, "transient");
    assert.equal(error.status, 500);
    assert.equal(wire(halo).filter((l) => l.startsWith("GET /api/Tickets")).length, 4);
  });

  test("a dropped connection fails transient without being resent", async () => {
    const { psa, halo } = await open();
    halo.admin.injectFault({ kind: "reset", pathPattern: "^/api/Tickets" });
    const error = await failure(psa.findTicket("48291"));
    assert.equal(error.failure.kind, "transient");
    assert.equal(error.failure.code, "NETWORK_ERROR");
  });

  test("one token serves every call; a revoked token is renewed once on the 401", async () => {
    const { psa, halo } = await open();
    await psa.findTicket("48291");
    await psa.findContact("tom.williams@acmecorp.com");
    halo.admin.revokeTokens();
    await psa.findTicket("48291");
    const calls = wire(halo);
    assert.equal(calls.filter((l) => l.startsWith("POST /auth/token")).length, 2, calls.join("\n"));
    assert.ok(calls.some((l) => l.startsWith("GET /api/Tickets/48291") && l.endsWith(" 401")));
  });

  test("a wrong secret is an auth failure (permission), with Halo's code kept, and is not retried", async () => {
    const { psa, halo } = await open({}, { clientId: haloDemo.clientId, clientSecret: "wrong" });
    const error = await failure(psa.findTicket("48291"));
    assert.equal(error.failure.kind, "permission");
    assert.equal(error.failure.code, "AUTH_FAILED");
    assert.equal(error.vendor.code, "invalid_client");
    assert.equal(error.status, 400);
    assert.equal(wire(halo).filter((l) => l.startsWith("POST /auth/token")).length, 1);
    assert.ok(!(error.vendor.body ?? "").includes("wrong"));
  });

  test("a Halo-hosted instance wants its tenant on the token request", async () => {
    const without = await rig();
    without.halo.admin.configure({ tenant: haloDemo.tenant });
    try {
      assert.equal((await failure(without.psa.findTicket("48291"))).failure.code, "AUTH_FAILED");
    } finally {
      await without.close();
    }
    const withTenant = await rig({ tenant: haloDemo.tenant });
    withTenant.halo.admin.configure({ tenant: haloDemo.tenant });
    try {
      assert.equal((await withTenant.psa.findTicket("48291"))?.id, "48291");
      assert.match(wire(withTenant.halo)[0] ?? "", /^POST \/auth\/token\?tenant=demo-msp 200/);
    } finally {
      await withTenant.close();
    }
  });

  test("an answer that is not Halo's shape is a malformed response, not a made-up record", async () => {
    const server = createServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        req.url?.startsWith("/auth/token")
          ? JSON.stringify({ access_token: "t", expires_in: 60 })
          : '{"summary":3}',
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { api } = await open({ url });
    try {
      const error = await failure(api.ticket(1));
      assert.equal(error.failure.code, "MALFORMED_RESPONSE");
      assert.equal(error.failure.kind, "transient");
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
