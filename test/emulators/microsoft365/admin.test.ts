import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { acme, seedAcme, type Microsoft365Emulator } from "../../../emulators/microsoft365/index.ts";
import { graphFor, request, startEmulator } from "./helpers.ts";

const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

describe("admin surface", () => {
  let emu: Microsoft365Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  it("seeds Acme with Mike, Tom, the groups, lists, SKU, helpdesk and HR mailboxes the demo needs", () => {
    const seed = seedAcme(emu.admin);
    assert.equal(seed.tenant.id, acme.tenantId);
    const tom = emu.admin.user(acme.domain, "tom.williams@acmecorp.com");
    assert.equal(tom.manager, "mike.chen@acmecorp.com");
    assert.equal(tom.props.department, "Marketing");
    assert.deepEqual(
      tom.licenses.map((l) => [l.skuPartNumber, l.assignedByGroup]),
      [["SPB", null]],
    );
    assert.deepEqual(tom.groups.map((g) => g.displayName).sort(), ["All-Staff", "Marketing"]);
    assert.equal(tom.mailbox?.ready, true);
    assert.equal(tom.mailbox?.mobileDevices.length, 1);
    assert.deepEqual(tom.authMethods.map((m) => m.type).sort(), [
      "microsoftAuthenticatorAuthenticationMethod",
      "phoneAuthenticationMethod",
    ]);
    assert.equal(emu.admin.managedDevices(acme.domain).length, 1);
    const mike = emu.admin.user(acme.domain, "mike.chen@acmecorp.com");
    assert.equal(mike.props.jobTitle, "Marketing Manager");
    const kinds = Object.fromEntries(
      emu.admin.groups(acme.domain).map((g) => [g.displayName, [g.kind, g.mail, g.assignedLicenses]]),
    );
    assert.deepEqual(kinds, {
      Marketing: ["security", null, []],
      "All-Staff": ["microsoft365", "all-staff@acmecorp.com", []],
      "M365-Business-Premium": ["security", null, ["SPB"]],
      "MFA-Registration": ["security", null, []],
      "CA-Staff-Baseline": ["security", null, []],
      "Marketing Team": ["distribution", "marketing@acmecorp.com", []],
      Announcements: ["distribution", "announcements@acmecorp.com", []],
    });
    const sku = emu.admin.skus(acme.domain)[0];
    assert.deepEqual(
      [
        sku?.skuId,
        sku?.skuPartNumber,
        (sku?.prepaidUnits as { enabled: number }).enabled,
        sku?.consumedUnits,
      ],
      ["cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", "SPB", 25, 2],
    );
    const helpdesk = emu.admin.mailbox(acme.domain, "helpdesk@acmecorp.com");
    assert.equal(helpdesk?.recipientTypeDetails, "SharedMailbox");
    const hr = emu.admin.mailbox(acme.domain, "hr@acmecorp.com");
    assert.equal(hr?.recipientTypeDetails, "SharedMailbox", "the demo's HR contact has a mailbox");
  });

  it("creates a tenant and a user over HTTP, and refuses an invalid body with 400 and the field", async () => {
    const tenant = await request(
      `${emu.url}/_admin/tenants`,
      json({ displayName: "Globex", domains: ["globex.example"], apps: [{ clientSecret: "g" }] }),
    );
    assert.equal(tenant.status, 201);
    const id = String(tenant.json.id);
    const user = await request(
      `${emu.url}/_admin/tenants/globex.example/users`,
      json({ userPrincipalName: "hans@globex.example", displayName: "Hans" }),
    );
    assert.equal(user.status, 201);
    assert.equal(user.json.userPrincipalName, "hans@globex.example");
    const listed = await request(`${emu.url}/_admin/tenants/${id}/users`);
    assert.equal((listed.json as unknown as unknown[]).length, 1);
    const bad = await request(
      `${emu.url}/_admin/tenants/globex.example/users`,
      json({ displayName: "No UPN" }),
    );
    assert.equal(bad.status, 400);
    assert.match(String((bad.json.error as { message: string }).message), /userPrincipalName/);
    const unknown = await request(`${emu.url}/_admin/tenants/nowhere.example/users`);
    assert.equal(unknown.status, 404);
  });

  it("counts calls per endpoint and lists them per tenant", async () => {
    emu.admin.clearCalls();
    const graph = await graphFor(emu.url, {
      id: acme.tenantId,
      domain: acme.domain,
      clientId: acme.clientId,
      clientSecret: acme.clientSecret,
    });
    await graph.get("/users");
    await graph.get("/users/tom.williams@acmecorp.com");
    await graph.get("/users/mike.chen@acmecorp.com");
    const counts = await request(`${emu.url}/_admin/calls/counts`);
    assert.deepEqual(counts.json, {
      "GET /v1.0/users": 1,
      "GET /v1.0/users/:id": 2,
      "POST /:tenant/oauth2/v2.0/token": 1,
    });
    const calls = emu.admin.calls({ tenantId: acme.tenantId, api: "graph" });
    assert.equal(calls.length, 3);
    assert.ok(calls.every((c) => c.status === 200 && c.appId === acme.clientId));
  });

  it("changes settings and the profile over HTTP and resets to an empty emulator", async () => {
    const changed = await request(`${emu.url}/_admin/settings`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ profile: "realistic", replicationLagMs: 1500 }),
    });
    assert.equal(changed.status, 200);
    assert.equal(changed.json.profile, "realistic");
    assert.equal(changed.json.replicationLagMs, 1500);
    assert.equal(changed.json.mailboxProvisioningDelayMs, 27_000);
    emu.admin.setProfile("fast");
    assert.equal((await request(`${emu.url}/_admin/reset`, { method: "POST" })).status, 204);
    assert.deepEqual(emu.admin.tenants(), []);
    assert.equal(emu.admin.settings().replicationLagMs, 0);
  });
});
