import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { connectors } from "../../src/connectors/registry.ts";
import type { Psa } from "../../src/ports/index.ts";
import { haloDemo, startHaloPsaEmulator, type HaloPsaEmulator } from "../../emulators/halopsa/index.ts";
import { checkResponse, haloSpecChecker } from "./halopsa-spec.ts";

/**
 * Every request the HaloPSA connector sends, captured by the emulator's call log, must be one Halo's own
 * description accepts (path, method, query parameters, body schema, with ajv); every answer the emulator
 * gives must have the shape the reference notes describe.
 */
let halo: HaloPsaEmulator;
const checker = haloSpecChecker();

before(async () => {
  halo = await startHaloPsaEmulator({ profile: "fast", seed: "demo" });
  const connector = connectors.find((c) => c.id === "halopsa")!;
  const opened = connector.open(
    {
      url: halo.url,
      clientId: haloDemo.acme.clientId,
      siteId: haloDemo.acme.siteId,
      ticketTypeId: 3,
      team: "Onboarding",
      priorityId: 4,
      statuses: haloDemo.statuses,
      pageSize: 1,
    },
    { clientId: haloDemo.clientId, clientSecret: haloDemo.clientSecret },
    { shared: (_k, make) => make() },
  );
  assert.ok(opened.ok);
  const psa: Psa = opened.value.psa!;
  await psa.findContact("tom.williams@acmecorp.com");
  const c = await psa.createContact({
    firstName: "Sarah",
    lastName: "Johnson",
    email: "sarah.johnson@acmecorp.com",
    title: "Coordinator",
    phone: "+1 555 0142",
  });
  await psa.setContactActive(c.id, false);
  await psa.findTicket("48291");
  await psa.findTicket("987654321");
  const reference = randomUUID();
  await psa.findTicketByReference(reference);
  const t = await psa.openTicket({ title: "Onboard Sarah", description: "Plan", reference, contactId: c.id });
  await psa.findTicketByReference(reference);
  await psa.findNote(t.id, "m");
  await psa.addNote(t.id, { text: "note", marker: "m" });
  await psa.findNote(t.id, "m");
  for (const phase of ["in-progress", "waiting-on-customer", "completed", "failed"] as const)
    await psa.setTicketPhase(t.id, phase);
});
after(() => halo.close());

const apiCalls = () => halo.admin.calls().filter((c) => c.api === "api");

test("every request the connector sends validates against HaloPSA's OpenAPI description", () => {
  const calls = apiCalls();
  const routes = new Set(calls.map((c) => `${c.method} ${c.route}`));
  for (const r of [
    "GET /api/Users",
    "POST /api/Users",
    "GET /api/Tickets",
    "GET /api/Tickets/:id",
    "POST /api/Tickets",
    "GET /api/Actions",
    "POST /api/Actions",
  ])
    assert.ok(routes.has(r), `the connector never sent ${r}`);
  const problems = calls.flatMap((c) =>
    checker.checkRequest({
      method: c.method,
      url: c.url,
      ...(c.requestBody !== undefined ? { body: c.requestBody } : {}),
    }),
  );
  assert.deepEqual(problems, []);
});

test("every answer the emulator gave has the shape the reference notes describe", () => {
  const problems = apiCalls().flatMap((c) =>
    checkResponse({ method: c.method, url: c.url, status: c.status, body: c.responseBody }),
  );
  assert.deepEqual(problems, []);
});

test("the token request goes to /auth/token, outside the spec's /api, as the reference describes", () => {
  const tokens = halo.admin.calls().filter((c) => c.api === "token");
  assert.equal(tokens.length, 1, "one token for the whole session");
  assert.equal(`${tokens[0]?.method} ${tokens[0]?.url}`, "POST /auth/token");
  assert.equal(tokens[0]?.requestBody, undefined, "token requests are never logged with their secret");
});

test("the checks fail for what Halo's description does not allow, so the tests above can fail", () => {
  const bad = (method: string, url: string, body?: unknown) =>
    checker.checkRequest({ method, url, ...(body !== undefined ? { body } : {}) });
  assert.equal(bad("POST", "/api/Users", [{ emailaddress: "x", email: "x" }]).length, 1, "unknown property");
  assert.equal(bad("POST", "/api/Users", { emailaddress: "x" }).length, 1, "not an array");
  assert.equal(bad("POST", "/api/Actions", [{ ticket_id: "12" }]).length, 1, "wrong type");
  assert.equal(bad("GET", "/api/Users?pageinate=yes").length, 1, "a bool that is not one");
  assert.equal(bad("GET", "/api/Users?page=2").length, 1, "Halo's parameter is page_no");
  assert.equal(bad("GET", "/api/Contacts").length, 1, "no such path");
  assert.equal(bad("PUT", "/api/Users").length, 1, "no PUT: Halo upserts by POST");
  assert.equal(checkResponse({ method: "GET", url: "/api/Users", status: 200, body: [{ id: 1 }] }).length, 1);
  assert.equal(
    checkResponse({ method: "POST", url: "/api/Users", status: 200, body: [{ id: 1 }] }).length,
    1,
  );
});
