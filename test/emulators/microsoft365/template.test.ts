import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Microsoft365Emulator } from "../../../emulators/microsoft365/index.ts";
import { createTenant, graphFor, startEmulator, type Graph, type TestTenant } from "./helpers.ts";

/** The reads a "copy from" onboarding makes of its template user (reference §3). */

interface AssignmentState {
  assignedByGroup: string | null;
  disabledPlans: string[];
  error: string;
  lastUpdatedDateTime: string;
  skuId: string;
  state: string;
}

const attributes =
  "department,jobTitle,companyName,officeLocation,city,state,country,streetAddress,postalCode,usageLocation";
const groupSelect =
  "id,displayName,groupTypes,mailEnabled,securityEnabled,membershipRule,onPremisesSyncEnabled,assignedLicenses";

describe("template user reads", () => {
  let emu: Microsoft365Emulator;
  let tenant: TestTenant;
  let graph: Graph;
  let spb: string;
  let visio: string;
  let licensedGroup: string;
  let templateId: string;

  before(async () => {
    emu = await startEmulator();
    tenant = createTenant(emu.admin);
    spb = String(emu.admin.createSku(tenant.id, { skuPartNumber: "SPB", seats: 5 }).skuId);
    visio = String(emu.admin.createSku(tenant.id, { skuPartNumber: "VISIOCLIENT", seats: 5 }).skuId);
    licensedGroup = emu.admin.createGroup(tenant.id, {
      displayName: "Licensed",
      kind: "security",
      licenses: ["SPB"],
    }).id;
    emu.admin.createGroup(tenant.id, {
      displayName: "Synced",
      kind: "security",
      onPremisesSyncEnabled: true,
    });
    emu.admin.createGroup(tenant.id, {
      displayName: "Sales (dynamic)",
      kind: "dynamic",
      membershipRule: '(user.department -eq "Sales")',
    });
    emu.admin.createGroup(tenant.id, { displayName: "Sales List", kind: "distribution" });
    templateId = emu.admin.createUser(tenant.id, {
      userPrincipalName: `template@${tenant.domain}`,
      displayName: "Sales Template",
      department: "Sales",
      jobTitle: "Account Executive",
      usageLocation: "GB",
      licenses: ["VISIOCLIENT"],
      groups: ["Licensed", "Synced", "Sales List"],
    }).id;
    graph = await graphFor(emu.url, tenant);
  });
  after(() => emu.close());

  it("splits direct from group-based licenses in licenseAssignmentStates, with every CSDL field", async () => {
    const read = await graph.get(
      `/users/template@${tenant.domain}?$select=${attributes},assignedLicenses,licenseAssignmentStates`,
    );
    assert.equal(read.status, 200);
    const states = read.json.licenseAssignmentStates as AssignmentState[];
    const direct = states.find((s) => s.skuId === visio);
    const inherited = states.find((s) => s.skuId === spb);
    assert.deepEqual(Object.keys(direct ?? {}).sort(), [
      "assignedByGroup",
      "disabledPlans",
      "error",
      "lastUpdatedDateTime",
      "skuId",
      "state",
    ]);
    assert.deepEqual(
      [direct?.assignedByGroup, direct?.state, direct?.error],
      [null, "Active", "None"],
      "a direct assignment has no group",
    );
    assert.deepEqual([inherited?.assignedByGroup, inherited?.state], [licensedGroup, "Active"]);
    assert.match(String(direct?.lastUpdatedDateTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const assigned = (read.json.assignedLicenses as { skuId: string }[]).map((l) => l.skuId).sort();
    assert.deepEqual(assigned, [spb, visio].sort());
  });

  it("answers every template attribute on $select, null where unset, and reads back the address once written", async () => {
    const patch = await graph.send("PATCH", `/users/${templateId}`, {
      streetAddress: "1 King St",
      postalCode: "EC2V 8AU",
      state: "Greater London",
    });
    assert.equal(patch.status, 204);
    const read = await graph.get(`/users/${templateId}?$select=${attributes}`);
    const { "@odata.context": context, ...rest } = read.json;
    assert.match(String(context), /users\(department,.*usageLocation\)\/\$entity$/);
    assert.deepEqual(rest, {
      department: "Sales",
      jobTitle: "Account Executive",
      companyName: null,
      officeLocation: null,
      city: null,
      state: "Greater London",
      country: null,
      streetAddress: "1 King St",
      postalCode: "EC2V 8AU",
      usageLocation: "GB",
    });
  });

  it("lists the template's groups through the group cast with the selected properties, dynamic and synced ones included", async () => {
    const read = await graph.get(
      `/users/${templateId}/memberOf/microsoft.graph.group?$select=${groupSelect}`,
    );
    assert.equal(read.status, 200);
    assert.match(String(read.json["@odata.context"]), /#groups\(id,displayName,.*assignedLicenses\)$/);
    const rows = read.json.value as Record<string, unknown>[];
    const byName = new Map(rows.map((r) => [r.displayName, r]));
    assert.deepEqual(
      [...byName.keys()].sort(),
      ["Licensed", "Sales (dynamic)", "Sales List", "Synced"],
      "the dynamic rule on department makes the template a member",
    );
    assert.ok(rows.every((r) => r["@odata.type"] === "#microsoft.graph.group"));
    assert.deepEqual(
      Object.keys(byName.get("Synced") ?? {}).sort(),
      ["@odata.type", ...groupSelect.split(",")].sort(),
    );
    assert.deepEqual(byName.get("Sales (dynamic)")?.groupTypes, ["DynamicMembership"]);
    assert.equal(byName.get("Sales (dynamic)")?.membershipRule, '(user.department -eq "Sales")');
    assert.equal(byName.get("Synced")?.onPremisesSyncEnabled, true);
    assert.deepEqual(
      [byName.get("Sales List")?.mailEnabled, byName.get("Sales List")?.securityEnabled],
      [true, false],
    );
    assert.deepEqual(
      (byName.get("Licensed")?.assignedLicenses as { skuId: string }[]).map((l) => l.skuId),
      [spb],
    );
    assert.deepEqual(byName.get("Synced")?.assignedLicenses, []);
  });

  it("keeps a group assignment that found no seat in CountViolation, out of assignedLicenses", async () => {
    emu.admin.setSeats(tenant.id, "SPB", 1);
    const user = emu.admin.createUser(tenant.id, {
      userPrincipalName: `late@${tenant.domain}`,
      displayName: "Late Joiner",
      usageLocation: "GB",
      groups: ["Licensed"],
    });
    const read = await graph.get(`/users/${user.id}?$select=assignedLicenses,licenseAssignmentStates`);
    const states = read.json.licenseAssignmentStates as AssignmentState[];
    assert.deepEqual(
      states.map((s) => [s.skuId, s.assignedByGroup, s.state, s.error]),
      [[spb, licensedGroup, "Error", "CountViolation"]],
    );
    assert.deepEqual(read.json.assignedLicenses, []);
  });
});
