import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, afterEach, before, test } from "node:test";
import { VendorError } from "../../../src/connectors/http/index.ts";
import { LifecycleError } from "../../../src/domain/errors.ts";
import {
  globex,
  startConnectWiseEmulator,
  type ConnectWiseEmulator,
} from "../../../emulators/connectwise/index.ts";
import { connectwiseConfig, defaultTicketUrl } from "../../../src/connectors/connectwise/config.ts";
import { CwTransport } from "../../../src/connectors/connectwise/transport.ts";
import { apiCalls, globexPsa, sharedRuntime } from "./support.ts";
import { globexApiKey } from "../../../emulators/connectwise/index.ts";

let cw: ConnectWiseEmulator;
before(async () => {
  cw = await startConnectWiseEmulator({ profile: "fast", seed: "globex" });
  // A second client company on the same site, whose tickets are not Globex's to log to.
  cw.admin.addCompany(globex.loginCompany, { id: 260, identifier: "Umbrella", name: "Umbrella AG" });
  cw.admin.addTicket(globex.loginCompany, { id: 50001, companyId: 260, boardId: 1, summary: "Umbrella's" });
});
after(() => cw.close());
afterEach(() => {
  cw.admin.clearFaults();
  cw.admin.configure({ throttle: { requests: 1000, windowMs: 60_000 } });
});

const rejection = async (p: Promise<unknown>): Promise<VendorError> => {
  try {
    await p;
  } catch (error) {
    if (error instanceof VendorError) return error;
    throw error;
  }
  assert.fail("expected a VendorError");
};

test("finds a contact with the childConditions email query at the client's company, signed as the vendor wants", async () => {
  const { psa } = globexPsa(cw);
  cw.admin.clearCalls();
  const anna = await psa.findContact("Anna.Schmidt@globex.de");
  assert.equal(anna?.email, "anna.schmidt@globex.de");
  assert.equal(anna?.firstName, "Anna");
  assert.equal(anna?.active, true);
  const [call] = apiCalls(cw);
  const url = new URL(call!.url, cw.url);
  assert.equal(url.pathname, "/v2025_1/apis/3.0/company/contacts");
  assert.equal(url.searchParams.get("conditions"), "company/id=250");
  assert.equal(
    url.searchParams.get("childConditions"),
    'communicationItems/value="Anna.Schmidt@globex.de" AND communicationItems/communicationType="Email"',
  );
  assert.equal(call!.apiVersion, "2025.1");
  assert.equal(call!.appId, globex.clientId);
  assert.equal(await psa.findContact("nobody@globex.de"), undefined);
});

test("the codebase is discovered once per site and login company, and a configured one is not looked up", async () => {
  const runtime = sharedRuntime();
  cw.admin.clearCalls();
  await globexPsa(cw, {}, {}, runtime).psa.findContact("anna.schmidt@globex.de");
  await globexPsa(cw, {}, {}, runtime).psa.findContact("anna.schmidt@globex.de");
  const logins = () => cw.admin.calls().filter((c) => c.api === "login");
  assert.equal(logins().length, 1);
  cw.admin.clearCalls();
  await globexPsa(cw, { codebase: "v2025_1/" }).psa.findContact("anna.schmidt@globex.de");
  assert.equal(logins().length, 0);
});

test("creates a contact at the client's company and site (201), deactivates and reactivates it by JSON-Patch", async () => {
  const { psa } = globexPsa(cw, { siteId: 1 });
  const email = `new-${randomUUID().slice(0, 6)}@globex.de`;
  const created = await psa.createContact({
    firstName: "Mia",
    lastName: "Wagner",
    email,
    title: "Buchhaltung",
  });
  assert.equal(created.email, email);
  assert.equal(created.active, true);
  const stored = cw.admin.contacts(globex.loginCompany).find((c) => String(c.id) === created.id)!;
  assert.equal(stored.company.id, 250);
  assert.equal(stored.site?.id, 1);
  assert.deepEqual(
    stored.communicationItems.map((i) => [i.type.id, i.communicationType, i.value, i.defaultFlag]),
    [[1, "Email", email, true]],
  );
  await psa.setContactActive(created.id, false);
  assert.equal(stored.inactiveFlag, true);
  assert.equal((await psa.findContact(email))?.active, false);
  await psa.setContactActive(created.id, true);
  assert.equal(stored.inactiveFlag, false);
  const patch = apiCalls(cw)
    .filter((c) => c.method === "PATCH")
    .at(-1);
  assert.deepEqual(patch?.requestBody, [{ op: "replace", path: "inactiveFlag", value: false }]);
});

test("a new contact's phone is filed under the site's Direct phone type by default, looked up once by name", async () => {
  const { psa } = globexPsa(cw);
  const stored = async (phone: string) => {
    const created = await psa.createContact({
      firstName: "Jonas",
      lastName: "Koch",
      email: `jonas-${randomUUID().slice(0, 6)}@globex.de`,
      phone,
    });
    return cw.admin.contacts(globex.loginCompany).find((c) => String(c.id) === created.id)!;
  };
  const first = await stored("+49 30 1234567");
  assert.deepEqual(
    first.communicationItems.map((i) => [i.type.id, i.type.name, i.communicationType, i.value]),
    [
      [1, "Email", "Email", first.communicationItems[0]!.value],
      [2, "Direct", "Phone", "+49 30 1234567"],
    ],
  );
  await stored("+49 30 7654321");
  const lookups = apiCalls(cw).filter((c) => /communicationTypes/.test(c.url));
  assert.equal(lookups.length, 1, "the site's types are read once");
});

test("the phone type may be named (any case) or given by id; a name the site has no phone type for fails naming the field", async () => {
  const contact = () => ({
    firstName: "Lea",
    lastName: "Braun",
    email: `lea-${randomUUID().slice(0, 6)}@globex.de`,
    phone: "+49 171 5550100",
  });
  const phoneOf = (id: string) =>
    cw.admin
      .contacts(globex.loginCompany)
      .find((c) => String(c.id) === id)!
      .communicationItems.find((i) => i.communicationType === "Phone");
  const byName = await globexPsa(cw, { phoneCommunicationType: "cell" }).psa.createContact(contact());
  assert.equal(phoneOf(byName.id)?.type.id, 4);
  const byId = await globexPsa(cw, { phoneCommunicationType: 4 }).psa.createContact(contact());
  assert.equal(phoneOf(byId.id)?.type.name, "Cell");
  cw.admin.clearCalls();
  await assert.rejects(
    globexPsa(cw, { phoneCommunicationType: "Email" }).psa.createContact(contact()),
    (e: unknown) => {
      assert.ok(e instanceof LifecycleError);
      assert.equal(e.failure.code, "PSA_CONFIG_VALUE_UNKNOWN");
      assert.match(e.failure.message, /"Email" for phoneCommunicationType/);
      assert.match(e.failure.message, /2 "Direct", 4 "Cell"/);
      return true;
    },
  );
  assert.equal(apiCalls(cw).filter((c) => c.method === "POST").length, 0, "nothing created");
  // Without a phone no type is needed, so none is looked up.
  cw.admin.clearCalls();
  await globexPsa(cw, { phoneCommunicationType: "Pager" }).psa.createContact({
    ...contact(),
    phone: undefined,
  });
  assert.equal(apiCalls(cw).filter((c) => /communicationTypes/.test(c.url)).length, 0);
});

test("a ticket carries its link into Manage's web UI, which the emulator's UI opens on that ticket", async () => {
  const { psa } = globexPsa(cw);
  const ticket = (await psa.findTicket(String(globex.openTicket)))!;
  assert.equal(
    ticket.url,
    `${cw.url}/v2025_1/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&recid=48291&companyName=${globex.loginCompany}`,
  );
  const page = await fetch(ticket.url!);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Service Ticket #48291 - New starter/);
  const opened = await psa.openTicket({
    title: "Onboard Jonas",
    description: "Plan",
    reference: randomUUID(),
  });
  assert.match(opened.url ?? "", new RegExp(`recid=${opened.id}&`));
  const custom = globexPsa(cw, { ticketUrl: "https://globex.example/tickets/{id}?c={company}" });
  assert.equal(
    (await custom.psa.findTicket("48291"))?.url,
    `https://globex.example/tickets/48291?c=${globex.loginCompany}`,
  );
  assert.equal((await globexPsa(cw, { ticketUrl: false }).psa.findTicket("48291"))?.url, undefined);
});

test("the config's defaults name the Direct phone type and Manage's ticket link; a link template must be a URL", () => {
  const base = { site: "https://api-eu.myconnectwise.net", companyId: 250, boardId: 1 };
  const config = connectwiseConfig.parse(base);
  assert.equal(config.phoneCommunicationType, "Direct");
  assert.equal(config.ticketUrl, defaultTicketUrl);
  for (const ticketUrl of [
    "https://x.example/t",
    "t/{id}",
    "https://x.example/{id}/{ticket}",
    "ftp://x/{id}",
  ])
    assert.equal(connectwiseConfig.safeParse({ ...base, ticketUrl }).success, false, ticketUrl);
  assert.equal(connectwiseConfig.safeParse({ ...base, ticketUrl: "{site}/t?id={id}" }).success, true);
});

test("on a cloud host the link leads to the UI host, without the API's api- prefix", async () => {
  const transport = new CwTransport({
    site: "https://api-eu.myconnectwise.net",
    codebase: "v2025_1/",
    apiVersion: "2025.1",
    credential: { ...globexApiKey },
    pageSize: 25,
    runtime: sharedRuntime(),
  });
  assert.deepEqual(await transport.webLink(), {
    site: "https://eu.myconnectwise.net",
    codebase: "v2025_1/",
    company: globex.loginCompany,
  });
});

test("a PATCH the vendor answers 200 without applying it (its false 200) is not taken for done", async () => {
  const { psa } = globexPsa(cw);
  const anna = (await psa.findContact("anna.schmidt@globex.de"))!;
  // The stored record refuses the change, as the vendor's record does for a path it does not apply.
  const saved = cw.admin.contacts(globex.loginCompany).find((c) => String(c.id) === anna.id)!;
  const original = saved.inactiveFlag;
  const keys = Object.getOwnPropertyDescriptor(saved, "inactiveFlag")!;
  Object.defineProperty(saved, "inactiveFlag", {
    get: () => original,
    set: () => undefined,
    configurable: true,
  });
  try {
    await assert.rejects(psa.setContactActive(anna.id, false), (e: unknown) => {
      assert.ok(e instanceof LifecycleError);
      assert.equal(e.failure.code, "NOT_VERIFIED");
      return true;
    });
  } finally {
    Object.defineProperty(saved, "inactiveFlag", keys);
  }
});

test("a ticket by its number; an unknown number, a word, and another company's ticket are nothing", async () => {
  const { psa } = globexPsa(cw);
  const ticket = await psa.findTicket(String(globex.openTicket));
  assert.equal(ticket?.id, "48291");
  assert.equal(ticket?.number, "48291");
  assert.equal(ticket?.closed, false);
  assert.equal((await psa.findTicket("#48291"))?.id, "48291");
  assert.equal(await psa.findTicket("987654321"), undefined);
  cw.admin.clearCalls();
  assert.equal(await psa.findTicket("not-a-number"), undefined);
  assert.equal(apiCalls(cw).length, 0, "no call for a number that cannot be one");
  assert.equal(await psa.findTicket("50001"), undefined);
  const missing = await rejection(
    psa.addNote("987654321", { text: "x", marker: `lifecycle:${randomUUID()}` }),
  );
  assert.equal(missing.failure.kind, "not-found", "a note to a ticket that does not exist waits and retries");
  assert.equal(missing.vendor.code, "NotFound");
});

test("opens a ticket on the client's board with externalXRef, a title cut to 100 characters, found by reference", async () => {
  const { psa } = globexPsa(cw, { openStatus: "New" });
  const reference = randomUUID();
  const anna = (await psa.findContact("anna.schmidt@globex.de"))!;
  const opened = await psa.openTicket({
    title: `Onboard ${"Maximilian ".repeat(12)}`,
    description: "Plan:\n1. Create the account",
    reference,
    contactId: anna.id,
  });
  assert.equal(opened.title.length, 100);
  const stored = cw.admin.ticket(globex.loginCompany, Number(opened.id));
  assert.equal(stored.board.id, 1);
  assert.equal(stored.company.id, 250);
  assert.equal(stored.contact?.id, Number(anna.id));
  assert.equal(stored.externalXRef, reference);
  assert.equal(stored.status.name, "New");
  assert.equal((await psa.findTicketByReference(reference))?.id, opened.id);
  assert.equal(await psa.findTicketByReference(randomUUID()), undefined);
  const post = apiCalls(cw).find((c) => c.method === "POST" && c.route.endsWith("/service/tickets"));
  assert.equal(
    (post?.requestBody as { initialDescription?: string }).initialDescription,
    "Plan:\n1. Create the account",
  );
  assert.equal(
    (post?.responseBody as Record<string, unknown>).initialDescription,
    undefined,
    "POST-only, not echoed",
  );
});

test("an internal note is one POST carrying its marker, found again by it", async () => {
  const { psa } = globexPsa(cw);
  const ticketId = String(globex.openTicket);
  const marker = `lifecycle:${randomUUID()}`;
  cw.admin.clearCalls();
  const first = await psa.addNote(ticketId, { text: "0:02 Created user in Entra ID", marker });
  assert.deepEqual(
    apiCalls(cw).map((c) => `${c.method} ${c.route.replace(/^.*\/apis\/3\.0/, "")}`),
    ["POST /service/tickets/:id/notes"],
  );
  const notes = cw.admin.notes(globex.loginCompany, globex.openTicket).filter((n) => n.text.includes(marker));
  assert.equal(notes.length, 1);
  assert.equal(notes[0]!.internalAnalysisFlag, true);
  assert.equal(notes[0]!.detailDescriptionFlag, false, "never the customer-visible Discussion");
  assert.equal(notes[0]!.resolutionFlag, false);
  assert.equal((await psa.findNote(ticketId, marker))?.id, first.id);
  assert.equal(await psa.findNote(ticketId, `${marker}x`), undefined, "a marker is matched whole");
});

test("findNote pages through the ticket's notes by the Link header", async () => {
  const { psa } = globexPsa(cw, { pageSize: 2 });
  const t = await psa.openTicket({ title: "Paging", description: "first note", reference: randomUUID() });
  const markers = [1, 2, 3, 4].map((i) => `lifecycle:page-${i}-${randomUUID()}`);
  for (const marker of markers) await psa.addNote(t.id, { text: "step done", marker });
  cw.admin.clearCalls();
  assert.ok(await psa.findNote(t.id, markers[3]!));
  const pages = apiCalls(cw).map((c) => new URL(c.url, cw.url).searchParams.get("page"));
  assert.deepEqual(pages, ["1", "2", "3"], "5 notes at 2 a page: three pages, following rel=next");
  const link = apiCalls(cw)[0]!.link!;
  assert.match(link, /<[^>]+page=2[^>]*>; rel="next"/);
  assert.match(link, /<[^>]+page=3[^>]*>; rel="last"/);
});

test("sets the status by phase from the board's names; completed closes; an unmapped phase changes nothing", async () => {
  const { psa } = globexPsa(cw);
  const t = await psa.openTicket({ title: "Phases", description: "x", reference: randomUUID() });
  await psa.setTicketPhase(t.id, "waiting-on-customer");
  assert.equal(cw.admin.ticket(globex.loginCompany, Number(t.id)).status.name, "Waiting Customer");
  cw.admin.clearCalls();
  await psa.setTicketPhase(t.id, "failed");
  assert.equal(apiCalls(cw).length, 0);
  await psa.setTicketPhase(t.id, "completed");
  const stored = cw.admin.ticket(globex.loginCompany, Number(t.id));
  assert.equal(stored.closedFlag, true);
  assert.equal((await psa.findTicket(t.id))?.closed, true);
  const patch = apiCalls(cw).find((c) => c.method === "PATCH");
  assert.deepEqual(patch?.requestBody, [{ op: "replace", path: "status", value: { id: 3 } }]);
});

test("a status name the board does not have is a config error; a status id not of the board is the vendor's InvalidObject", async () => {
  const t = await globexPsa(cw).psa.openTicket({
    title: "Bad status",
    description: "x",
    reference: randomUUID(),
  });
  await assert.rejects(
    globexPsa(cw, { statuses: { completed: "Resolved" } }).psa.setTicketPhase(t.id, "completed"),
    (e: unknown) => {
      assert.ok(e instanceof LifecycleError);
      assert.equal(e.failure.code, "PSA_STATUS_NOT_FOUND");
      assert.equal(e.failure.kind, "invalid");
      return true;
    },
  );
  const error = await rejection(
    globexPsa(cw, { statuses: { completed: 17 } }).psa.setTicketPhase(t.id, "completed"),
  );
  assert.equal(error.failure.kind, "invalid");
  assert.equal(error.failure.code, "VENDOR_INVALID");
  assert.equal(error.vendor.status, 400);
  assert.equal(error.vendor.code, "InvalidObject");
  assert.match(error.message, /Service Status 17 not found for Service Board 1/);
  assert.match(error.vendor.body ?? "", /"field":"status\/id"/);
});

test("a 429 with Retry-After is waited out and retried by the http layer", async () => {
  const { psa } = globexPsa(cw);
  cw.admin.injectFault({
    kind: "status",
    status: 429,
    retryAfterSeconds: 0.05,
    count: 2,
    pathPattern: "/service/tickets/",
  });
  const started = Date.now();
  assert.equal((await psa.findTicket(String(globex.openTicket)))?.id, "48291");
  assert.ok(Date.now() - started >= 100, "two Retry-After waits of 50 ms");
});

test("the token buckets throttle past the budget: 429, Retry-After in seconds, the reference's body, then success", async () => {
  const { psa } = globexPsa(cw, { codebase: "v2025_1/" });
  cw.admin.configure({ throttle: { requests: 2, windowMs: 1000 } });
  cw.admin.clearCalls();
  for (let i = 0; i < 3; i++) assert.ok(await psa.findTicket(String(globex.openTicket)));
  const refused = apiCalls(cw).find((c) => c.status === 429);
  assert.ok(refused, "one call was refused");
  assert.equal(refused.retryAfter, "1");
  assert.deepEqual(refused.responseBody, {
    error: "ConnectWiseAPI",
    message: "Too many requests. Please try again in 1 seconds.",
  });
  assert.equal(apiCalls(cw).at(-1)?.status, 200);
});

test("a throttle longer than the step may wait is handed back as throttled, with the wait", async () => {
  const { transport } = globexPsa(cw);
  cw.admin.injectFault({ kind: "status", status: 429, retryAfterSeconds: 60, count: 1 });
  const error = await rejection(
    transport.send({
      method: "GET",
      path: "/service/tickets/48291",
      call: "GET /service/tickets/{id}",
      schema: undefined,
    }),
  );
  assert.equal(error.failure.kind, "throttled");
  assert.equal(error.failure.retryAfterMs, 60_000);
  assert.equal(error.vendor.code, "ConnectWiseAPI");
});

test("a PSA that is down is transient: GETs are retried, a note's POST is not sent twice", async () => {
  const { psa } = globexPsa(cw);
  cw.admin.injectFault({ kind: "status", status: 503, count: 1, pathPattern: "/service/tickets/48291$" });
  assert.ok(await psa.findTicket("48291"), "retried after one 503");
  cw.admin.injectFault({ kind: "status", status: 500, count: 1, method: "POST", pathPattern: "/notes" });
  const error = await rejection(psa.addNote("48291", { text: "x", marker: `lifecycle:${randomUUID()}` }));
  assert.equal(error.failure.kind, "transient");
  assert.equal(error.failure.code, "VENDOR_UNAVAILABLE");
  assert.equal(error.vendor.status, 500);
});

test("wrong keys are an auth failure with the vendor's code, and the keys are nowhere in the error", async () => {
  const error = await rejection(
    globexPsa(cw, {}, { privateKey: "wrong-private-key" }).psa.findTicket("48291"),
  );
  assert.equal(error.failure.kind, "permission");
  assert.equal(error.failure.code, "AUTH_FAILED");
  assert.equal(error.vendor.status, 401);
  assert.equal(error.vendor.code, "ConnectWiseApi");
  const text = JSON.stringify(error.failure) + error.message + String(error.stack);
  assert.ok(!text.includes("wrong-private-key"));
  assert.ok(
    !text.includes(
      Buffer.from(`${globex.loginCompany}+${globex.publicKey}:wrong-private-key`).toString("base64"),
    ),
  );
  const unknownClient = await rejection(
    globexPsa(cw, {}, { clientId: "00000000-0000-4000-8000-000000000000" }).psa.findTicket("48291"),
  );
  assert.equal(unknownClient.failure.code, "AUTH_FAILED");
  assert.equal(unknownClient.vendor.code, "Unauthorized");
});

test("a refused create keeps the vendor's envelope: code, status, field errors", async () => {
  const error = await rejection(
    globexPsa(cw, { boardId: 999 }).psa.openTicket({ title: "x", description: "y", reference: randomUUID() }),
  );
  assert.equal(error.failure.kind, "invalid");
  assert.equal(error.vendor.status, 400);
  assert.equal(error.vendor.code, "InvalidObject");
  assert.match(error.message, /ticket object is invalid \(board\/id: Service Board 999 not found\)/);
});
