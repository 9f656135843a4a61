import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { Plan } from "../../src/domain/plan.ts";
import { getRun } from "../../src/engine/read.ts";
import { createRun } from "../../src/engine/runs.ts";
import { type Worker } from "../../src/engine/worker.ts";
import type { Capabilities } from "../../src/ports/index.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { acme, type Microsoft365Emulator } from "../../emulators/microsoft365/index.ts";
import { seedClient, waitForStatus } from "../support/engine-helpers.ts";
import { acmeCapabilities, startAcmeTenant, startProductWorker } from "../support/microsoft.ts";

const tenant = acme.tenantId;
const group = "M365-Business-Premium";
const licenceKey = `group-license:${group}`;

/**
 * The steps a group-licensed onboarding runs after the user exists, through the real engine: join the
 * licensing group, wait for its licence, then for the mailbox. Without a seat the run must say so at
 * once, naming the SKU, instead of waiting hours for a mailbox that never comes.
 */
function joinThenLicence(upn: string, whenNoSeat: "fail" | "wait"): Plan {
  const step = { required: true, tenant, api: "entra" };
  return {
    actions: [
      {
        ...step,
        key: `group:${group}`,
        type: "groups.add-member",
        title: `Add to ${group}`,
        params: { upn, group },
        deps: [],
      },
      {
        ...step,
        key: licenceKey,
        type: "licensing.wait-for-group-license",
        title: `Licences through ${group}`,
        params: { upn, group, whenNoSeat },
        deps: [`group:${group}`],
      },
      {
        ...step,
        key: "mailbox-ready",
        type: "mail.wait-for-mailbox",
        title: "Mailbox ready",
        params: { upn },
        deps: [licenceKey],
        api: "exchange",
      },
    ],
  };
}

describe("a group-licensed onboarding through the engine", () => {
  let m365: Microsoft365Emulator;
  let caps: Capabilities;
  let store: Store;
  let worker: Worker;

  before(async () => {
    store = await openStore({});
    await seedClient(store);
  });
  beforeEach(async () => {
    await worker?.stop();
    await m365?.close();
    m365 = await startAcmeTenant();
    caps = acmeCapabilities(m365);
    worker = await startProductWorker(store, () => caps);
  });
  after(async () => {
    await worker?.stop();
    await m365?.close();
    await store.close();
  });

  const start = async (upn: string, whenNoSeat: "fail" | "wait") => {
    m365.admin.createUser(tenant, { userPrincipalName: upn, displayName: upn, usageLocation: "US" });
    const { runId } = await createRun(store, {
      clientId: "acme",
      kind: "onboard",
      subject: upn,
      requester: "hr@acmecorp.com",
      request: {},
      startAt: new Date(),
      plan: joinThenLicence(upn, whenNoSeat),
    });
    return runId;
  };
  const takeEverySeat = () => {
    const spb = m365.admin.skus(tenant).find((s) => s.skuPartNumber === "SPB")!;
    m365.admin.setSeats(tenant, "SPB", Number(spb.consumedUnits));
    return Number(spb.consumedUnits);
  };

  test("with a seat, the licence step succeeds naming SKU and group, and the mailbox comes after it", async () => {
    const runId = await start("gia.seat@acmecorp.com", "fail");
    assert.equal(await waitForStatus(store, runId, ["completed", "failed"]), "completed");
    const run = await getRun(store, runId);
    const licence = run.actions.find((a) => a.key === licenceKey)!;
    assert.ok(licence.outcome?.kind === "succeeded", JSON.stringify(licence.outcome));
    assert.equal(licence.outcome.detail, `Assigned licenses: SPB (through ${group})`);
    assert.deepEqual(licence.outcome.data?.skus, ["SPB"]);
    const mailbox = run.actions.find((a) => a.key === "mailbox-ready")!;
    assert.ok(mailbox.startedAt! >= licence.finishedAt!);
  });

  test("no free seat under 'fail' fails the licence step NO_FREE_SEATS on its first poll, and the mailbox wait never starts", async () => {
    const used = takeEverySeat();
    const runId = await start("hal.noseat@acmecorp.com", "fail");
    assert.equal(await waitForStatus(store, runId, ["failed", "completed"], 10_000), "failed");
    const run = await getRun(store, runId);
    const licence = run.actions.find((a) => a.key === licenceKey)!;
    assert.ok(licence.outcome?.kind === "failed", JSON.stringify(licence.outcome));
    assert.equal(licence.outcome.error.code, "NO_FREE_SEATS");
    assert.match(
      licence.outcome.error.message,
      new RegExp(`SPB seats \\(${used} of ${used} in use\\) .*${group}`),
    );
    assert.equal(licence.attempts, 1, "one look was enough");
    assert.equal(run.actions.find((a) => a.key === "mailbox-ready")?.state, "blocked");
  });

  test("no free seat under 'wait' leaves the run waiting for a seat of that SKU, not for the mailbox", async () => {
    const used = takeEverySeat();
    const runId = await start("ivy.waits@acmecorp.com", "wait");
    assert.equal(await waitForStatus(store, runId, ["waiting", "failed", "completed"], 10_000), "waiting");
    const run = await getRun(store, runId);
    const licence = run.actions.find((a) => a.key === licenceKey)!;
    assert.ok(licence.outcome?.kind === "waiting", JSON.stringify(licence.outcome));
    assert.equal(
      licence.outcome.for,
      `a free SPB seat (${used} of ${used} in use), licence through ${group}`,
    );
    assert.equal(run.actions.find((a) => a.key === "mailbox-ready")?.state, "pending");
  });
});
