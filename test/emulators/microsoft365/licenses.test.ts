import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Microsoft365Emulator } from "../../../emulators/microsoft365/index.ts";
import {
  createTenant,
  graphError,
  graphFor,
  newUserBody,
  startEmulator,
  type Graph,
  type TestTenant,
} from "./helpers.ts";

const spb = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46";
const add = (skuId = spb) => ({ addLicenses: [{ skuId, disabledPlans: [] }], removeLicenses: [] });

describe("licensing", () => {
  let emu: Microsoft365Emulator;
  let tenant: TestTenant;
  let graph: Graph;
  before(async () => {
    emu = await startEmulator();
    tenant = createTenant(emu.admin);
    emu.admin.createSku(tenant.id, { skuPartNumber: "SPB", seats: 2 });
    graph = await graphFor(emu.url, tenant);
  });
  after(() => emu.close());

  async function newUser(extra: Record<string, unknown> = {}): Promise<string> {
    const reply = await graph.send("POST", "/users", { ...newUserBody(tenant.domain), ...extra });
    assert.equal(reply.status, 201);
    return String(reply.json.id);
  }

  const consumed = async (): Promise<number> => {
    const skus = await graph.get("/subscribedSkus");
    return (skus.json.value as { consumedUnits: number }[])[0]?.consumedUnits ?? -1;
  };

  it("lists subscribed SKUs with prepaidUnits and consumedUnits and the tenant-prefixed id", async () => {
    const skus = await graph.get("/subscribedSkus");
    const sku = (skus.json.value as Record<string, unknown>[])[0];
    assert.equal(sku?.id, `${tenant.id}_${spb}`);
    assert.equal(sku?.skuPartNumber, "SPB");
    assert.deepEqual(sku?.prepaidUnits, { enabled: 2, suspended: 0, warning: 0, lockedOut: 0 });
    assert.equal(sku?.consumedUnits, 0);
  });

  it("refuses a user without usageLocation with the verbatim 400", async () => {
    const id = await newUser();
    const reply = await graph.send("POST", `/users/${id}/assignLicense`, add());
    assert.equal(reply.status, 400);
    assert.deepEqual(
      { code: graphError(reply).code, message: graphError(reply).message },
      {
        code: "Request_BadRequest",
        message: "License assignment cannot be done for user with invalid usage location.",
      },
    );
  });

  it("assigns with 200 and the user, counts the seat, lists licenseDetails, and is idempotent", async () => {
    const id = await newUser({ usageLocation: "US" });
    const before = await consumed();
    const reply = await graph.send("POST", `/users/${id}/assignLicense`, add());
    assert.equal(reply.status, 200);
    assert.equal(reply.json.id, id);
    assert.equal(reply.json["@odata.context"], `${emu.url}/v1.0/$metadata#users/$entity`);
    assert.equal(await consumed(), before + 1);
    const details = await graph.get(`/users/${id}/licenseDetails`);
    const first = (
      details.json.value as { skuId: string; skuPartNumber: string; servicePlans: unknown[] }[]
    )[0];
    assert.equal(first?.skuPartNumber, "SPB");
    assert.ok((first?.servicePlans.length ?? 0) > 0);
    assert.equal((await graph.send("POST", `/users/${id}/assignLicense`, add())).status, 200);
    assert.equal(await consumed(), before + 1);
  });

  it("refuses an assignment when no seat is free, with the SKU in the message", async () => {
    while ((await consumed()) < 2) {
      assert.equal(
        (await graph.send("POST", `/users/${await newUser({ usageLocation: "US" })}/assignLicense`, add()))
          .status,
        200,
      );
    }
    const id = await newUser({ usageLocation: "US" });
    const reply = await graph.send("POST", `/users/${id}/assignLicense`, add());
    assert.equal(reply.status, 400);
    assert.equal(
      graphError(reply).message,
      `Subscription with SKU ${spb} does not have any available licenses.`,
    );
  });

  it("requires both addLicenses and removeLicenses, and refuses to remove a licence the user lacks", async () => {
    const id = await newUser({ usageLocation: "US" });
    const noRemove = await graph.send("POST", `/users/${id}/assignLicense`, { addLicenses: [] });
    assert.equal(noRemove.status, 400);
    assert.match(graphError(noRemove).message, /removeLicenses/);
    const unknownRemoval = await graph.send("POST", `/users/${id}/assignLicense`, {
      addLicenses: [],
      removeLicenses: [spb],
    });
    assert.equal(unknownRemoval.status, 400);
  });

  it("applies replication lag to a fresh usageLocation before assignLicense sees it", async () => {
    const id = await newUser();
    emu.admin.setReplicationLag(1000);
    await graph.send("PATCH", `/users/${id}`, { usageLocation: "GB" });
    emu.admin.setSeats(tenant.id, "SPB", 50);
    const early = await graph.send("POST", `/users/${id}/assignLicense`, add());
    assert.equal(
      graphError(early).message,
      "License assignment cannot be done for user with invalid usage location.",
    );
    emu.admin.advanceClock(1001);
    assert.equal((await graph.send("POST", `/users/${id}/assignLicense`, add())).status, 200);
    emu.admin.setReplicationLag(0);
  });
});
