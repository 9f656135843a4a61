import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { acme, type Microsoft365Emulator } from "../../emulators/microsoft365/index.ts";
import { liveStateOf } from "../../src/composition/live-state.ts";
import type { Worker } from "../../src/engine/worker.ts";
import type { Capabilities } from "../../src/ports/index.ts";
import { buildServer } from "../../src/server/app.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { waitForStatus } from "../support/engine-helpers.ts";
import {
  acmeCapabilities,
  demoAcme,
  memoryLinks,
  startAcmeTenant,
  startProductWorker,
} from "../support/microsoft.ts";
import { signedIn } from "../support/staff.ts";
import { json } from "./helpers.ts";

interface Batch {
  batchId: string;
  state: string;
  planHash?: string;
  rows: { line: number; ok: boolean; errors: unknown[]; summary: { upn?: string }; runId?: string }[];
  counts: { runs: number; byStatus: Record<string, number> };
}

const tenant = acme.tenantId;
const done = ["completed", "completed-with-warnings", "failed", "cancelled"] as const;

let store: Store;
let m365: Microsoft365Emulator;
let caps: Capabilities;
let worker: Worker;
let app: FastifyInstance;

before(async () => {
  store = await openStore({});
  m365 = await startAcmeTenant();
  caps = acmeCapabilities(m365, memoryLinks());
  // The demo's Acme: onboardings need no approval, offboardings the leaver's manager's (Mike Chen).
  await upsertClient(store, demoAcme());
  worker = await startProductWorker(store, () => caps);
  app = await buildServer({ store, live: async () => liveStateOf(caps) });
});

after(async () => {
  await app?.close();
  await worker?.stop();
  await m365?.close();
  await store?.close();
});

async function finish(batch: Batch): Promise<void> {
  for (const row of batch.rows) {
    assert.ok(row.runId, `line ${row.line} has its run`);
    const status = await waitForStatus(store, row.runId, [...done], 90_000);
    assert.equal(status, "completed", `line ${row.line}`);
  }
}

test("a CSV of three starters, then of the same three leavers, runs against the Microsoft 365 emulator; the leavers' manager approves the batch once", async () => {
  const tech = await signedIn(store, "tech@msp.example", "technician");
  const mike = await signedIn(store, "mike.chen@acmecorp.com", "approver");
  const csv =
    "First name,Last name,Department,Manager,start\n" +
    ["Nina,Park", "Omar,Reyes", "Lena,Vogt"]
      .map((name) => `${name},Marketing,mike.chen@acmecorp.com,now`)
      .join("\n");
  const up = await app.inject({
    method: "POST",
    url: "/api/bulk/onboard?client=acme",
    headers: { ...tech.headers, "content-type": "text/csv; charset=utf-8" },
    payload: csv,
  });
  assert.equal(up.statusCode, 201, up.body);
  const uploaded = json<Batch>(up);
  assert.deepEqual(
    uploaded.rows.map((r) => [r.line, r.ok, r.summary.upn]),
    [
      [2, true, "nina.park@acmecorp.com"],
      [3, true, "omar.reyes@acmecorp.com"],
      [4, true, "lena.vogt@acmecorp.com"],
    ],
  );
  assert.throws(() => m365.admin.user(tenant, "nina.park@acmecorp.com"), "nothing ran at upload");

  const sub = await app.inject({
    method: "POST",
    url: `/api/bulk/${uploaded.batchId}/submit`,
    headers: tech.headers,
    payload: {},
  });
  assert.equal(sub.statusCode, 200, sub.body);
  await finish(json<Batch>(sub));
  for (const row of uploaded.rows) {
    const user = m365.admin.user(tenant, row.summary.upn!);
    assert.equal(user.manager, "mike.chen@acmecorp.com");
    assert.ok(user.groups.some((g) => g.displayName === "Marketing"));
  }
  const progress = json<Batch>(
    await app.inject({ method: "GET", url: `/api/bulk/${uploaded.batchId}`, headers: tech.headers }),
  );
  assert.deepEqual(progress.counts.byStatus, { completed: 3 });

  const leavers =
    "user,lastDay,actions.convertToShared,actions.forwardTo,actions.forwardTo.keepCopy\n" +
    uploaded.rows.map((r) => `${r.summary.upn},now,yes,manager,yes`).join("\n");
  const off = await app.inject({
    method: "POST",
    url: "/api/bulk/offboard?client=acme",
    headers: { ...tech.headers, "content-type": "text/csv" },
    payload: leavers,
  });
  assert.equal(off.statusCode, 201, off.body);
  const offBatch = json<Batch>(off);
  assert.ok(
    offBatch.rows.every((r) => r.ok),
    JSON.stringify(offBatch.rows),
  );
  const submitted = json<Batch>(
    await app.inject({
      method: "POST",
      url: `/api/bulk/${offBatch.batchId}/submit`,
      headers: tech.headers,
      payload: {},
    }),
  );
  for (const row of submitted.rows) await waitForStatus(store, row.runId!, ["awaiting-approval"]);
  assert.equal(
    m365.admin.user(tenant, "nina.park@acmecorp.com").accountEnabled,
    true,
    "nothing before approval",
  );

  const approved = await app.inject({
    method: "POST",
    url: `/api/bulk/${offBatch.batchId}/approve`,
    headers: mike.headers,
    payload: { planHash: submitted.planHash },
  });
  assert.equal(approved.statusCode, 200, approved.body);
  await finish(submitted);
  for (const row of submitted.rows) {
    const user = m365.admin.user(tenant, row.summary.upn!);
    assert.equal(user.accountEnabled, false);
    assert.equal(user.mailbox?.recipientTypeDetails, "SharedMailbox");
  }
});
