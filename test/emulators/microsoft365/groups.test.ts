import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Microsoft365Emulator } from "../../../emulators/microsoft365/index.ts";
import { createTenant, graphError, graphFor, startEmulator, type Graph, type TestTenant } from "./helpers.ts";

const ref = (id: string) => ({ "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });

describe("groups and memberships", () => {
  let emu: Microsoft365Emulator;
  let tenant: TestTenant;
  let graph: Graph;
  let userId: string;
  before(async () => {
    emu = await startEmulator();
    tenant = createTenant(emu.admin);
    emu.admin.createSku(tenant.id, { skuPartNumber: "SPB", seats: 5 });
    userId = emu.admin.createUser(tenant.id, {
      userPrincipalName: `sarah@${tenant.domain}`,
      displayName: "Sarah",
      usageLocation: "US",
    }).id;
    graph = await graphFor(emu.url, tenant);
  });
  after(() => emu.close());

  it("adds a member with 204, shows it in memberOf and members, and refuses the same add with the verbatim already-exists 400", async () => {
    const group = emu.admin.createGroup(tenant.id, { displayName: "Marketing", kind: "security" });
    const add = await graph.send("POST", `/groups/${group.id}/members/$ref`, ref(userId));
    assert.equal(add.status, 204);
    const memberOf = await graph.get(`/users/${userId}/memberOf`);
    assert.deepEqual(
      (memberOf.json.value as { id: string; "@odata.type": string }[]).map((g) => [g.id, g["@odata.type"]]),
      [[group.id, "#microsoft.graph.group"]],
    );
    const members = await graph.get(`/groups/${group.id}/members?$select=id,userPrincipalName`);
    assert.deepEqual(members.json.value, [
      { "@odata.type": "#microsoft.graph.user", id: userId, userPrincipalName: `sarah@${tenant.domain}` },
    ]);
    const again = await graph.send("POST", `/groups/${group.id}/members/$ref`, ref(userId));
    assert.equal(again.status, 400);
    assert.deepEqual(
      { code: graphError(again).code, message: graphError(again).message },
      {
        code: "Request_BadRequest",
        message:
          "One or more added object references already exist for the following modified properties: 'members'.",
      },
    );
  });

  it("removes a member with 204 and answers a second removal with the removed-references 400", async () => {
    const group = emu.admin.createGroup(tenant.id, {
      displayName: "Temp",
      kind: "microsoft365",
      members: [userId],
    });
    assert.equal((await graph.send("DELETE", `/groups/${group.id}/members/${userId}/$ref`)).status, 204);
    const again = await graph.send("DELETE", `/groups/${group.id}/members/${userId}/$ref`);
    assert.equal(again.status, 400);
    assert.equal(
      graphError(again).message,
      "One or more removed object references do not exist for the following modified properties: 'members'.",
    );
    assert.deepEqual(emu.admin.group(tenant.id, group.id).members, []);
  });

  it("refuses member changes on distribution lists and mail-enabled security groups with the verbatim text", async () => {
    for (const kind of ["distribution", "mailEnabledSecurity"] as const) {
      const group = emu.admin.createGroup(tenant.id, {
        displayName: `List ${kind}`,
        kind,
        mail: `${kind}@${tenant.domain}`,
      });
      const reply = await graph.send("POST", `/groups/${group.id}/members/$ref`, ref(userId));
      assert.equal(reply.status, 400);
      assert.equal(
        graphError(reply).message,
        "Cannot Update a mail-enabled security groups and or distribution list.",
      );
    }
  });

  it("refuses member changes on on-premises synced groups and dynamic groups", async () => {
    const synced = emu.admin.createGroup(tenant.id, {
      displayName: "Synced",
      kind: "security",
      onPremisesSyncEnabled: true,
    });
    const reply = await graph.send("POST", `/groups/${synced.id}/members/$ref`, ref(userId));
    assert.equal(
      graphError(reply).message,
      "Unable to update the specified properties for objects that have originated within an external service.",
    );
    const dynamic = emu.admin.createGroup(tenant.id, {
      displayName: "Dynamic US",
      kind: "dynamic",
      membershipRule: '(user.usageLocation -eq "US")',
    });
    assert.equal((await graph.send("POST", `/groups/${dynamic.id}/members/$ref`, ref(userId))).status, 400);
    const members = await graph.get(`/groups/${dynamic.id}/members`);
    assert.ok(
      (members.json.value as { id: string }[]).some((m) => m.id === userId),
      "the rule makes Sarah a member",
    );
  });

  it("lists nested groups in transitiveMemberOf but not in memberOf", async () => {
    const outer = emu.admin.createGroup(tenant.id, { displayName: "Outer", kind: "security" });
    const inner = emu.admin.createGroup(tenant.id, {
      displayName: "Inner",
      kind: "security",
      members: [userId],
    });
    emu.admin.addGroupMember(tenant.id, outer.id, inner.id);
    const direct = (await graph.get(`/users/${userId}/memberOf/microsoft.graph.group?$select=id`)).json
      .value as { id: string }[];
    const transitive = (await graph.get(`/users/${userId}/transitiveMemberOf?$select=id`)).json.value as {
      id: string;
    }[];
    assert.ok(direct.some((g) => g.id === inner.id) && !direct.some((g) => g.id === outer.id));
    assert.ok(transitive.some((g) => g.id === outer.id));
  });

  it("finds groups by displayName and reads the group-licensing flag from assignedLicenses", async () => {
    const licensed = emu.admin.createGroup(tenant.id, {
      displayName: "M365-Business-Premium",
      kind: "security",
      licenses: ["SPB"],
    });
    const found = await graph.get(
      "/groups?$filter=displayName eq 'M365-Business-Premium'&$select=id,assignedLicenses,groupTypes",
    );
    const group = (found.json.value as { id: string; assignedLicenses: { skuId: string }[] }[])[0];
    assert.equal(group?.id, licensed.id);
    assert.equal(group?.assignedLicenses[0]?.skuId, "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46");
  });

  it("licenses a member through group-based licensing, marked assignedByGroup, and not removable directly", async () => {
    const licensed = emu.admin.createGroup(tenant.id, {
      displayName: "Licensed",
      kind: "security",
      licenses: ["SPB"],
    });
    const user = emu.admin.createUser(tenant.id, {
      userPrincipalName: `gbl@${tenant.domain}`,
      displayName: "GBL",
      usageLocation: "US",
    });
    assert.equal((await graph.send("POST", `/groups/${licensed.id}/members/$ref`, ref(user.id))).status, 204);
    const read = await graph.get(`/users/${user.id}?$select=assignedLicenses,licenseAssignmentStates`);
    const states = read.json.licenseAssignmentStates as { assignedByGroup: string; state: string }[];
    assert.equal(states[0]?.assignedByGroup, licensed.id);
    assert.equal(states[0]?.state, "Active");
    const remove = await graph.send("POST", `/users/${user.id}/assignLicense`, {
      addLicenses: [],
      removeLicenses: ["cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"],
    });
    assert.equal(remove.status, 400);
    assert.match(graphError(remove).message, /inherited from a group membership/);
  });

  it("keeps a group licence without a seat in CountViolation, a freed seat changes nothing, and reprocessLicenseAssignment takes it", async () => {
    const licensed = emu.admin.createGroup(tenant.id, {
      displayName: "Full",
      kind: "security",
      licenses: ["SPB"],
    });
    const inUse = async () => {
      const skus = (await graph.get("/subscribedSkus")).json.value as { consumedUnits: number }[];
      return skus[0]?.consumedUnits ?? -1;
    };
    const taken = await inUse();
    emu.admin.setSeats(tenant.id, "SPB", taken);
    const user = emu.admin.createUser(tenant.id, {
      userPrincipalName: `noseat@${tenant.domain}`,
      displayName: "No Seat",
      usageLocation: "US",
    });
    assert.equal((await graph.send("POST", `/groups/${licensed.id}/members/$ref`, ref(user.id))).status, 204);
    const states = async () =>
      (await graph.get(`/users/${user.id}?$select=licenseAssignmentStates`)).json
        .licenseAssignmentStates as Record<string, unknown>[];
    const [first] = await states();
    assert.deepEqual(Object.keys(first ?? {}).sort(), [
      "assignedByGroup",
      "disabledPlans",
      "error",
      "lastUpdatedDateTime",
      "skuId",
      "state",
    ]);
    assert.equal(first?.assignedByGroup, licensed.id);
    assert.equal(first?.state, "Error");
    assert.equal(first?.error, "CountViolation");
    assert.equal(await inUse(), taken, "an assignment in error takes no seat");

    emu.admin.setSeats(tenant.id, "SPB", taken + 1);
    assert.equal((await states())[0]?.state, "Error", "Entra does not retry on its own when a seat frees");

    const reprocess = await graph.send("POST", `/users/${user.id}/reprocessLicenseAssignment`);
    assert.equal(reprocess.status, 200);
    assert.equal(reprocess.json.id, user.id);
    const [after] = await states();
    assert.equal(after?.state, "Active");
    assert.equal(after?.error, "None");
    assert.equal(await inUse(), taken + 1);
  });
});
