import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, test } from "node:test";
import { catalog } from "../../src/actions/define.ts";
import { memoryWork, type NoPorts } from "../support/test-actions.ts";
import { getRun } from "../../src/engine/read.ts";
import { signalRun } from "../../src/engine/runs.ts";
import { sqlStepQueue } from "../../src/engine/sql-step-queue.ts";
import { createWorker } from "../../src/engine/worker.ts";
import { migrate } from "../../src/store/migrate.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { waitForStatus } from "../support/engine-helpers.ts";
import { migrateUpTo } from "../support/migrate-up-to.ts";
import { freshPostgresDatabase, postgresSkipReason, testKeys } from "../support/stores.ts";

/** Runs as the engine stored them before 0002: an approval step, a signal for no step, a blocked "skip". */
async function seedOldRows(store: Store) {
  const approved = randomUUID();
  const awaiting = randomUUID();
  const failed = randomUUID();
  await store.query(`insert into clients (id, display_name, config) values ('acme', 'Acme', '{}')`);
  for (const [run, status] of [
    [approved, "awaiting-approval"],
    [awaiting, "awaiting-approval"],
    [failed, "failed"],
  ] as const) {
    const request = randomUUID();
    await store.query(
      `insert into requests (id, client_id, kind, body, requester, start_at) values ($1, 'acme', 'onboard', '{}', 'tech', now())`,
      [request],
    );
    await store.query(
      `insert into runs (id, request_id, client_id, kind, subject, status, plan, plan_hash, start_at)
       values ($1, $2, 'acme', 'onboard', 'sarah', $3, '{"actions": []}', $4, now())`,
      [run, request, status, `hash-${run}`],
    );
  }
  for (const run of [approved, awaiting]) {
    await store.query(
      `insert into actions (run_id, key, type, title, params, deps, required, tenant, api, state, run_at, deadline_at, priority, max_attempts)
       values ($1, 'approval', 'engine.approval', 'Approval', '{"policy": "manager"}', '{}', true, 'engine', 'approval',
               'waiting', now() + interval '1 hour', now() + interval '1 hour', 100, 1),
              ($1, 'a', 'test.work', 'a', '{}', '{approval}', true, 'old', 'test', 'pending', now(), null, 0, 8)`,
      [run],
    );
  }
  // Approved just before the upgrade: the signal made the gate due, but no worker had claimed it yet.
  await store.query(
    `insert into signals (run_id, kind, actor, plan_hash) values ($1, 'approve', 'mike', $2)`,
    [approved, `hash-${approved}`],
  );
  await store.query(`update actions set run_at = now() where run_id = $1 and key = 'approval'`, [approved]);
  await store.query(
    `insert into actions (run_id, key, type, title, params, deps, required, tenant, api, state, run_at, outcome)
     values ($1, 'x', 'test.work', 'x', '{}', '{}', true, 'old', 'test', 'failed', now(),
             '{"kind": "failed", "error": {"kind": "invalid", "message": "no"}}'),
            ($1, 'y', 'test.work', 'y', '{}', '{x}', true, 'old', 'test', 'blocked', now(),
             '{"kind": "skipped", "reason": "not run: x failed"}')`,
    [failed],
  );
  await store.query(
    `insert into tenant_limits (tenant, api, concurrency, rate_per_second, tokens)
     values ('engine', 'approval', 1000, 1000, 1000), ('old', 'test', 4, 20, 20)`,
  );
  return { approved, awaiting, failed };
}

const { action: work, applied } = memoryWork("test.work");

async function upgradeHonoursOldRows(store: Store): Promise<void> {
  await migrateUpTo(store, "0001_credentials");
  const runs = await seedOldRows(store);
  assert.deepEqual(await migrate(store), {
    applied: [
      "0002_queues_gates",
      "0003_step_bindings",
      "0004_client_systems",
      "0005_workflow_versions",
      "0006_actions_always",
      "0007_ticket_trail",
      "0008_audit_append_only",
      "0009_staff_idempotency",
    ],
  });

  const [gate] = await store.query<{ type: string; api: string; params: unknown }>(
    `select type, api, params from actions where run_id = $1 and key = 'approval'`,
    [runs.approved],
  );
  assert.deepEqual(gate, {
    type: "engine.gate",
    api: "gate",
    params: { kind: "approval", who: "manager", ask: "approve the plan as shown" },
  });
  const signals = await store.query<{ key: string }>(`select action_key as key from signals`);
  assert.deepEqual(signals, [{ key: "approval" }]);
  const blocked = (await getRun(store, runs.failed)).actions.find((a) => a.key === "y");
  assert.deepEqual(blocked?.outcome, { kind: "blocked", reason: "not run: x failed", by: ["x"] });
  const queues = await store.query<{ queue: string }>(`select distinct queue from actions`);
  assert.deepEqual(queues, [{ queue: "default" }]);

  const worker = createWorker<NoPorts>({
    queue: sqlStepQueue(store),
    catalog: catalog<NoPorts>(work),
    capabilities: () => ({}),
    tuning: { leaseMs: 2_000, pollMs: 30, idleMs: 50 },
  });
  await worker.start();
  try {
    // The signal stored before the upgrade is the approval gate's; the run goes on without a new one.
    assert.equal(await waitForStatus(store, runs.approved, ["completed", "failed"]), "completed");
    assert.equal(await waitForStatus(store, runs.awaiting, ["awaiting-approval"]), "awaiting-approval");
    await signalRun(store, runs.awaiting, { kind: "approve", actor: "mike" });
    assert.equal(await waitForStatus(store, runs.awaiting, ["completed", "failed"]), "completed");
  } finally {
    await worker.stop();
  }
  assert.equal(worker.busy(), 0, "a worker was left running");
  assert.ok(applied.has(`${runs.approved}:a`) && applied.has(`${runs.awaiting}:a`));
}

describe("migration 0002 keeps stored runs working", () => {
  test("on the embedded store, an old approval step and its signal are honoured, and a blocked outcome is blocked", async () => {
    const store = await openStore({ migrate: false });
    try {
      await upgradeHonoursOldRows(store);
    } finally {
      await store.close();
    }
  });

  test("on PostgreSQL, an old approval step and its signal are honoured, and a blocked outcome is blocked", async (t) => {
    const skip = await postgresSkipReason();
    if (skip) return t.skip(skip);
    const db = await freshPostgresDatabase();
    const store = await openStore({ databaseUrl: db.url, migrate: false, keys: testKeys });
    try {
      await upgradeHonoursOldRows(store);
    } finally {
      await store.close();
      await db.drop();
    }
  });
});
