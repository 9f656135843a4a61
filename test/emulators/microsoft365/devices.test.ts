import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { acme, type AcmeSeed, type Microsoft365Emulator } from "../../../emulators/microsoft365/index.ts";
import { seedAcme } from "../../../emulators/microsoft365/seed-acme.ts";
import { graphFor, startEmulator, type Graph } from "./helpers.ts";

describe("Intune, Autopilot and authentication methods", () => {
  let emu: Microsoft365Emulator;
  let seed: AcmeSeed;
  let graph: Graph;
  before(async () => {
    emu = await startEmulator();
    seed = seedAcme(emu.admin);
    graph = await graphFor(emu.url, {
      id: acme.tenantId,
      domain: acme.domain,
      clientId: acme.clientId,
      clientSecret: acme.clientSecret,
    });
  });
  after(() => emu.close());

  it("finds a user's managed devices by UPN filter and retires one with 204, pending until the action completes", async () => {
    emu.admin.configure({ deviceActionDelayMs: 60_000 });
    const list = await graph.get(
      "/deviceManagement/managedDevices?$filter=userPrincipalName eq 'tom.williams@acmecorp.com'",
    );
    const device = (list.json.value as { id: string; deviceName: string; managementState: string }[])[0];
    assert.equal(device?.deviceName, "ACME-LT-0117");
    assert.equal(device?.managementState, "managed");
    const retire = await graph.send("POST", `/deviceManagement/managedDevices/${device?.id}/retire`);
    assert.equal(retire.status, 204);
    const pending = await graph.get(`/deviceManagement/managedDevices/${device?.id}`);
    assert.equal(pending.json.managementState, "retirePending");
    assert.deepEqual(
      (pending.json.deviceActionResults as { actionName: string; actionState: string }[]).map((r) => [
        r.actionName,
        r.actionState,
      ]),
      [["retire", "pending"]],
    );
    emu.admin.advanceClock(60_001);
    const done = await graph.get(`/deviceManagement/managedDevices/${device?.id}`);
    assert.equal((done.json.deviceActionResults as { actionState: string }[])[0]?.actionState, "done");
    assert.equal(
      (
        await graph.send("POST", `/deviceManagement/managedDevices/${device?.id}/wipe`, {
          keepEnrollmentData: false,
        })
      ).status,
      204,
    );
  });

  it("answers an unknown device with Intune's stringified error document", async () => {
    const reply = await graph.send(
      "POST",
      "/deviceManagement/managedDevices/00000000-0000-0000-0000-000000000000/retire",
    );
    assert.equal(reply.status, 404);
    const error = reply.json.error as { code: string; message: string };
    assert.equal(error.code, "ResourceNotFound");
    const inner = JSON.parse(error.message) as { _version: number; Message: string };
    assert.equal(inner._version, 3);
    assert.match(inner.Message, /Activity ID: [0-9a-f-]{36}/);
  });

  it("finds an Autopilot device by serial number with contains() and assigns a user with 204", async () => {
    const found = await graph.get(
      "/deviceManagement/windowsAutopilotDeviceIdentities?$filter=contains(serialNumber,'PC-0042')",
    );
    const device = (found.json.value as { id: string; userPrincipalName: string }[])[0];
    assert.equal(device?.id, seed.autopilotDeviceId);
    assert.equal(device?.userPrincipalName, "");
    const assign = await graph.send(
      "POST",
      `/deviceManagement/windowsAutopilotDeviceIdentities/${device?.id}/assignUserToDevice`,
      {
        userPrincipalName: "tom.williams@acmecorp.com",
        addressableUserName: "Tom Williams",
      },
    );
    assert.equal(assign.status, 204);
    const read = await graph.get(`/deviceManagement/windowsAutopilotDeviceIdentities/${device?.id}`);
    assert.equal(read.json.userPrincipalName, "tom.williams@acmecorp.com");
    assert.equal(read.json.addressableUserName, "Tom Williams");
  });

  it("lists authentication methods with their @odata.type, deletes them on their typed paths, and keeps the password", async () => {
    const methods = await graph.get("/users/tom.williams@acmecorp.com/authentication/methods");
    const types = (methods.json.value as { "@odata.type": string }[]).map((m) => m["@odata.type"]).sort();
    assert.deepEqual(types, [
      "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
      "#microsoft.graph.passwordAuthenticationMethod",
      "#microsoft.graph.phoneAuthenticationMethod",
    ]);
    for (const method of methods.json.value as { "@odata.type": string; id: string }[]) {
      const segment =
        method["@odata.type"].replace("#microsoft.graph.", "").replace("Authentication", "") + "s";
      if (segment === "passwordMethods") continue;
      const removed = await graph.send(
        "DELETE",
        `/users/tom.williams@acmecorp.com/authentication/${segment}/${method.id}`,
      );
      assert.equal(removed.status, 204, segment);
    }
    const left = await graph.get("/users/tom.williams@acmecorp.com/authentication/methods");
    assert.equal((left.json.value as unknown[]).length, 1);
    const missing = await graph.send(
      "DELETE",
      "/users/tom.williams@acmecorp.com/authentication/phoneMethods/3179e48a-750b-4051-897c-87b9720928f7",
    );
    assert.equal(missing.status, 404);
  });

  it("creates a Temporary Access Pass with 201, replacing any previous one", async () => {
    const first = await graph.send(
      "POST",
      "/users/mike.chen@acmecorp.com/authentication/temporaryAccessPassMethods",
      {
        lifetimeInMinutes: 60,
        isUsableOnce: true,
      },
    );
    assert.equal(first.status, 201);
    assert.equal(first.json["@odata.type"], "#microsoft.graph.temporaryAccessPassAuthenticationMethod");
    assert.equal(String(first.json.temporaryAccessPass).length, 8);
    assert.equal(first.json.isUsable, true);
    const second = await graph.send(
      "POST",
      "/users/mike.chen@acmecorp.com/authentication/temporaryAccessPassMethods",
      {},
    );
    assert.equal(second.status, 201);
    const taps = await graph.get("/users/mike.chen@acmecorp.com/authentication/temporaryAccessPassMethods");
    assert.deepEqual(
      (taps.json.value as { id: string }[]).map((t) => t.id),
      [second.json.id],
    );
    const tooLong = await graph.send(
      "POST",
      "/users/mike.chen@acmecorp.com/authentication/temporaryAccessPassMethods",
      { lifetimeInMinutes: 5 },
    );
    assert.equal(tooLong.status, 400);
  });
});
