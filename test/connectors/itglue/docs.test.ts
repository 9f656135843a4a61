import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, test } from "node:test";
import { credentialRetiredMarker, retiredMarker } from "../../../src/connectors/itglue/docs.ts";
import { VendorError } from "../../../src/connectors/http/index.ts";
import { LifecycleError } from "../../../src/domain/errors.ts";
import type { Docs } from "../../../src/ports/index.ts";
import { itglueDemo, rig, wire, type Rig } from "./support.ts";

let current: Rig | undefined;
async function open(...args: Parameters<typeof rig>): Promise<Rig> {
  current = await rig(...args);
  return current;
}
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function failure(p: Promise<unknown>): Promise<LifecycleError> {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof LifecycleError, `expected a LifecycleError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the call to fail");
}

const acme = itglueDemo.acme;
const tomId = String(acme.contacts.tom);
const secret = "Xq7!generated-pass-Zz9";

const sarah = { firstName: "Sarah", lastName: "Johnson", email: "sarah.johnson@acmecorp.com" };

/** What an action does: find first, create only when the person is not there. */
const ensurePerson = async (docs: Docs) => (await docs.findPerson(sarah.email)) ?? docs.createPerson(sarah);

describe("people", () => {
  test("finds Tom Williams at Acme by his work address, whatever its case; a stranger is nobody", async () => {
    const { docs, emu } = await open();
    assert.deepEqual(await docs.findPerson("Tom.Williams@AcmeCorp.com"), {
      id: tomId,
      name: "Tom Williams",
      email: "tom.williams@acmecorp.com",
      retired: false,
    });
    assert.equal(await docs.findPerson("nobody@acmecorp.com"), undefined);
    const [find] = wire(emu);
    assert.match(
      find ?? "",
      /^GET \/contacts\?filter\[primary_email\]=tom\.williams@acmecorp\.com&filter\[organization_id\]=2401&page\[size\]=1000&page\[number\]=1 200$/i,
    );
  });

  test("another organisation's contact with the same address is not this client's", async () => {
    const { docs, emu } = await open();
    emu.admin.createContact({
      organizationId: itglueDemo.globex.organizationId,
      firstName: "Jo",
      email: "jo.shared@acmecorp.com",
    });
    assert.equal(await docs.findPerson("jo.shared@acmecorp.com"), undefined);
  });

  test("creates the contact in the organisation: Employee type, primary Work email and phone, as JSON:API", async () => {
    const { docs, emu } = await open({ contactUrl: "https://msp.itglue.com/{organizationId}/contacts/{id}" });
    const created = await docs.createPerson({
      ...sarah,
      title: "Marketing Coordinator",
      phone: "+1 555 0142",
    });
    assert.equal(created.url, `https://msp.itglue.com/${acme.organizationId}/contacts/${created.id}`);
    assert.equal(created.retired, false);
    const stored = emu.admin.contact(Number(created.id)).attributes;
    assert.equal(stored["organization-id"], acme.organizationId);
    assert.equal(stored["contact-type-name"], "Employee");
    assert.equal(stored.title, "Marketing Coordinator");
    assert.deepEqual(stored["contact-emails"], [{ value: sarah.email, primary: true, "label-name": "Work" }]);
    assert.deepEqual(stored["contact-phones"], [
      { value: "+1 555 0142", primary: true, "label-name": "Work", extension: null },
    ]);
    const post = emu.admin.calls().find((c) => c.method === "POST");
    assert.equal(post?.route, "/organizations/:organization_id/relationships/contacts");
    assert.match(post?.contentType ?? "", /^application\/vnd\.api\+json/);
    assert.deepEqual(Object.keys((post?.requestBody as { data: object }).data), ["type", "attributes"]);
  });

  test("find before create: run twice, the second run finds the first's contact and creates nothing", async () => {
    const { docs, emu } = await open();
    const first = await ensurePerson(docs);
    const second = await ensurePerson(docs);
    assert.equal(second.id, first.id);
    assert.equal(emu.admin.calls().filter((c) => c.method === "POST").length, 1);
  });

  test("pages through every page of the index: duplicates of an address across three pages of two", async () => {
    const { docs, emu } = await open({ pageSize: 2 });
    for (let i = 0; i < 4; i++)
      emu.admin.createContact({
        organizationId: acme.organizationId,
        firstName: "Old",
        lastName: `Copy ${i}`,
        contactTypeId: itglueDemo.contactTypes.formerEmployee,
        email: "tom.williams@acmecorp.com",
      });
    emu.admin.clearCalls();
    const found = await docs.findPerson("tom.williams@acmecorp.com");
    assert.equal(found?.id, tomId, "the one not retired is the person");
    const pages = wire(emu);
    assert.equal(pages.length, 3, pages.join("\n"));
    assert.match(pages[2] ?? "", /page\[size\]=2&page\[number\]=3 200$/);
  });

  test("retiring moves the contact to the former type and appends the note; again sends nothing", async () => {
    const { docs, emu } = await open();
    emu.admin.clearCalls();
    await docs.retirePerson(tomId, "Left on 2026-03-31; licences released.");
    const stored = emu.admin.contact(acme.contacts.tom).attributes;
    assert.equal(stored["contact-type-name"], "Former Employee");
    assert.equal(stored.notes, "Left on 2026-03-31; licences released.");
    assert.equal((await docs.findPerson("tom.williams@acmecorp.com"))?.retired, true);
    emu.admin.clearCalls();
    await docs.retirePerson(tomId, "Left on 2026-03-31; licences released.");
    assert.deepEqual(wire(emu), [`GET /contacts/${tomId} 200`]);
  });

  test("with appendNotes off the type changes and the notes stay as they were", async () => {
    const { docs, emu } = await open({
      offboard: { contactTypeId: itglueDemo.contactTypes.formerEmployee, appendNotes: false },
    });
    await docs.retirePerson(tomId, "why");
    const stored = emu.admin.contact(acme.contacts.tom).attributes;
    assert.equal(stored["contact-type-id"], itglueDemo.contactTypes.formerEmployee);
    assert.equal(stored.notes, null);
  });

  test("without a former type the notes carry the marker, which is what retired means then", async () => {
    const { docs, emu } = await open({ offboard: {} });
    await docs.retirePerson(tomId, "Left.");
    const stored = emu.admin.contact(acme.contacts.tom).attributes;
    assert.equal(stored.notes, `Left.\n${retiredMarker}`);
    assert.equal(stored["contact-type-name"], "Employee");
    assert.equal((await docs.findPerson("tom.williams@acmecorp.com"))?.retired, true);
    await docs.retirePerson(tomId, "Left.");
    assert.equal(emu.admin.contact(acme.contacts.tom).attributes.notes, `Left.\n${retiredMarker}`);
  });

  test("a contact deleted from IT Glue (404) is retired already; an id IT Glue never issued is not found", async () => {
    const { docs, emu } = await open();
    emu.admin.deleteContact(acme.contacts.tom);
    await docs.retirePerson(tomId, "x");
    assert.deepEqual(wire(emu), [`GET /contacts/${tomId} 404`]);
    const bad = await failure(docs.retirePerson("tom", "x"));
    assert.equal(bad.failure.kind, "not-found");
  });

  test("another organisation's contact is refused, not retired", async () => {
    const { docs, emu } = await open();
    const error = await failure(docs.retirePerson(String(itglueDemo.globex.contacts.tom), "x"));
    assert.equal(error.failure.code, "OBJECT_NOT_FOUND");
    assert.ok(!wire(emu).some((l) => l.startsWith("PATCH")));
  });

  test("a contact synced from the PSA refuses the PATCH: 422 with IT Glue's detail, status and request id", async () => {
    const { docs, emu } = await open();
    const error = await failure(docs.retirePerson(String(acme.contacts.mike), "x"));
    assert.ok(error instanceof VendorError);
    assert.equal(error.failure.kind, "invalid");
    assert.equal(error.failure.code, "VENDOR_INVALID");
    assert.equal(error.status, 422);
    assert.equal(error.vendor.code, "Unprocessable Entity");
    assert.match(error.message, /synced with a PSA integration and cannot be updated/);
    const patch = emu.admin.calls().find((c) => c.method === "PATCH");
    assert.equal(error.failure.requestId, patch?.requestId);
    assert.equal(emu.admin.contact(acme.contacts.mike).attributes["contact-type-name"], "Approver");
  });
});

describe("credentials", () => {
  test("stores the password embedded on the contact; the secret reaches the vault and no log or answer", async () => {
    const { docs, emu } = await open({ passwords: { categoryId: 7, folderId: 9 } });
    const person = await docs.createPerson(sarah);
    const stored = await docs.storeCredential({
      name: "Sarah Johnson – Microsoft 365",
      username: sarah.email,
      secret,
      url: "https://portal.office.com",
      notes: "Pass sent by one-time link to the manager.",
      personId: person.id,
    });
    assert.deepEqual(stored, {
      id: stored.id,
      name: "Sarah Johnson – Microsoft 365",
      username: sarah.email,
      archived: false,
      url: "https://portal.office.com",
    });
    assert.equal(emu.admin.secretOf(Number(stored.id)), secret);
    const attrs = emu.admin.password(Number(stored.id)).attributes;
    assert.equal(attrs["resource-id"], Number(person.id));
    assert.equal(attrs["resource-type"], "Contact");
    assert.equal(attrs["password-category-id"], 7);
    assert.equal(attrs["password-folder-id"], 9);
    assert.equal(await docs.findCredential(person.id, stored.name).then((c) => c?.id), stored.id);
    await docs.retireCredential(stored.id, "Offboarded.");
    assert.ok(!JSON.stringify(emu.admin.calls()).includes(secret), "the call log holds the secret");
    assert.ok(!("password" in attrs));
  });

  test("without a secret the entry records the sign-in name only: no password attribute is sent", async () => {
    const { docs, emu } = await open();
    const c = await docs.storeCredential({
      name: "Tom – VPN",
      username: "tom",
      notes: "pass-only",
      personId: tomId,
    });
    const post = emu.admin.calls().find((x) => x.method === "POST");
    const sent = (post?.requestBody as { data: { attributes: Record<string, unknown> } }).data.attributes;
    assert.ok(!("password" in sent));
    assert.equal(emu.admin.secretOf(Number(c.id)), "");
  });

  test("finds the person's entry by name and link: not another person's of the same name, nor another name", async () => {
    const { docs, emu } = await open();
    const name = "Tom Williams – Microsoft 365";
    assert.equal((await docs.findCredential(tomId, name))?.id, String(acme.passwords.tom));
    emu.admin.createPassword({
      organizationId: acme.organizationId,
      name: "Shared",
      contactId: acme.contacts.mike,
    });
    assert.equal(await docs.findCredential(tomId, "Shared"), undefined);
    assert.equal(await docs.findCredential(tomId, "Tom Williams – Microsoft"), undefined);
  });

  test("an archived entry is still found, asked for apart when the index leaves archived ones out", async () => {
    const { docs, emu } = await open();
    const name = "Tom Williams – Microsoft 365";
    await docs.retireCredential(String(acme.passwords.tom), "Offboarded.");
    assert.equal(emu.admin.password(acme.passwords.tom).attributes.archived, true);
    emu.admin.clearCalls();
    assert.equal((await docs.findCredential(tomId, name))?.archived, true);
    const lists = wire(emu);
    assert.equal(lists.length, 2);
    assert.match(lists[1] ?? "", /filter\[archived\]=true/);
    emu.admin.configure({ passwordListIncludesArchived: true });
    emu.admin.clearCalls();
    assert.equal((await docs.findCredential(tomId, name))?.archived, true);
    assert.equal(wire(emu).length, 1);
  });

  test("retiring archives the entry with the note kept; again sends nothing", async () => {
    const { docs, emu } = await open();
    const id = String(acme.passwords.tom);
    await docs.retireCredential(id, "Offboarded 2026-03-31.");
    const attrs = emu.admin.password(acme.passwords.tom).attributes;
    assert.equal(attrs.archived, true);
    assert.equal(attrs.notes, "Microsoft 365 sign-in\n\nOffboarded 2026-03-31.");
    emu.admin.clearCalls();
    await docs.retireCredential(id, "Offboarded 2026-03-31.");
    assert.deepEqual(wire(emu), [`GET /passwords/${id} 200`]);
  });

  test("where the vault cannot archive, the entry is marked no longer in use in its notes", async () => {
    const { docs, emu } = await open({ passwords: { archive: false } });
    emu.admin.configure({ passwordsArchivable: false });
    const id = String(acme.passwords.tom);
    await docs.retireCredential(id, "Offboarded.");
    const attrs = emu.admin.password(acme.passwords.tom).attributes;
    assert.equal(attrs.archived, false);
    assert.equal(attrs.notes, `Microsoft 365 sign-in\n\nOffboarded.\n${credentialRetiredMarker}`);
    assert.equal((await docs.findCredential(tomId, "Tom Williams – Microsoft 365"))?.archived, true);
  });

  test("a vault that refuses `archived` says so as a 422, where the config claims it can archive", async () => {
    const { docs, emu } = await open();
    emu.admin.configure({ passwordsArchivable: false });
    const error = await failure(docs.retireCredential(String(acme.passwords.tom), "x"));
    assert.equal(error.failure.vendor?.status, 422);
    assert.match(error.message, /Archived is not a permitted attribute/);
  });

  test("a password deleted from the vault (404) is retired already", async () => {
    const { docs, emu } = await open();
    emu.admin.deletePassword(acme.passwords.tom);
    await docs.retireCredential(String(acme.passwords.tom), "x");
    assert.deepEqual(wire(emu), [`GET /passwords/${acme.passwords.tom} 404`]);
  });

  test("a resource type the account does not take is IT Glue's validation error, with its pointer", async () => {
    const { docs } = await open({ passwords: { resourceType: "Contacts" } });
    const error = await failure(
      docs.storeCredential({ name: "x", username: "u", secret, notes: "n", personId: tomId }),
    );
    assert.ok(error instanceof VendorError);
    assert.equal(error.failure.code, "VENDOR_INVALID");
    assert.equal(error.status, 422);
    assert.match(
      error.message,
      /Resource type is not included in the list \(\/data\/attributes\/resource-type\)/,
    );
    assert.ok(error.failure.requestId);
    assert.ok(!JSON.stringify(error.failure).includes(secret));
  });

  test("a vendor that quotes the password in its refusal does not get it into the thrown error", async () => {
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += String(c)));
      req.on("end", () => {
        const sent = JSON.parse(body) as { data: { attributes: { password: string } } };
        res.writeHead(422, { "content-type": "application/vnd.api+json", "x-request-id": "req-1" });
        const detail = `Password '${sent.data.attributes.password}' is too weak`;
        res.end(JSON.stringify({ errors: [{ status: "422", title: detail, detail }] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const { docs } = await open({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      const error = await failure(
        docs.storeCredential({ name: "x", username: "u", secret, notes: "n", personId: tomId }),
      );
      assert.equal(error.failure.vendor?.status, 422);
      assert.equal(error.failure.requestId, "req-1");
      assert.match(error.message, /\[redacted\]/);
      assert.ok(!JSON.stringify(error.failure).includes(secret), JSON.stringify(error.failure));
      assert.ok(!error.message.includes(secret) && !String(error.stack).includes(secret));
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe("transport", () => {
  test("a 429 with Retry-After is waited out and retried", async () => {
    const { docs, emu } = await open();
    emu.admin.injectFault({
      kind: "status",
      status: 429,
      retryAfterSeconds: 0.05,
      pathPattern: "^/contacts",
    });
    const t0 = Date.now();
    assert.ok(await docs.findPerson("tom.williams@acmecorp.com"));
    assert.ok(Date.now() - t0 >= 50);
    assert.deepEqual(
      wire(emu).map((l) => l.split(" ").at(-1)),
      ["429", "200"],
    );
  });

  test("the emulator's own budget answers 429, with or without Retry-After, and the connector rides it out", async () => {
    const { docs, emu } = await open();
    for (const retryAfterOn429 of [true, false]) {
      // 30 ms a token: the backoff without Retry-After (5, 10, 20 ms …) outlasts it.
      emu.admin.configure({ rateLimit: { requests: 2, windowMs: 60 }, retryAfterOn429 });
      emu.admin.clearCalls();
      for (let i = 0; i < 3; i++) assert.ok(await docs.findPerson("tom.williams@acmecorp.com"));
      const throttled = emu.admin.calls().filter((c) => c.status === 429);
      assert.ok(throttled.length >= 1, "the budget never ran out");
      assert.ok(throttled.every((c) => (c.retryAfter !== undefined) === retryAfterOn429));
    }
  });

  test("a wrong key is IT Glue's 401, kept with its status and request id", async () => {
    const { docs, emu } = await open({}, "ITG.not-a-key");
    const error = await failure(docs.findPerson("tom.williams@acmecorp.com"));
    assert.ok(error instanceof VendorError);
    assert.equal(error.failure.kind, "permission");
    assert.equal(error.failure.code, "AUTH_FAILED");
    assert.equal(error.status, 401);
    assert.equal(error.vendor.code, "Unauthorized");
    assert.equal(error.failure.requestId, emu.admin.calls()[0]?.requestId);
  });

  test("a key without password access is refused the vault: 403 FORBIDDEN, the person still found", async () => {
    const { emu } = await open();
    emu.admin.addApiKey({ key: "ITG.nopasswords", name: "No passwords", passwordAccess: false });
    const limited = await rig({ baseUrl: emu.url }, "ITG.nopasswords");
    try {
      // The second rig has its own emulator; point it at the first, which knows the limited key.
      assert.ok(await limited.docs.findPerson("tom.williams@acmecorp.com"));
      const error = await failure(limited.docs.findCredential(tomId, "x"));
      assert.equal(error.failure.code, "FORBIDDEN");
      assert.equal(error.failure.vendor?.status, 403);
    } finally {
      await limited.close();
    }
  });

  test("an answer that is not IT Glue's shape is a malformed response, not a made-up record", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/vnd.api+json" });
      res.end('{"data":{"id":"1","type":"people","attributes":{}}}');
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const { docs } = await open({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      const error = await failure(docs.retirePerson("1", "x"));
      assert.equal(error.failure.code, "MALFORMED_RESPONSE");
      assert.equal(error.failure.kind, "transient");
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
