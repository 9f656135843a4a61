import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, test } from "node:test";
import { catalog } from "../../src/actions/define.ts";
import { keyring } from "../../src/credentials/keys.ts";
import { revealLink, tokenHash } from "../../src/credentials/one-time-links.ts";
import { seal } from "../../src/credentials/seal.ts";
import { memoryWork, type NoPorts } from "../support/test-actions.ts";
import { getRun } from "../../src/engine/read.ts";
import { signalRun } from "../../src/engine/runs.ts";
import { asStaff } from "../support/staff.ts";
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
      "0010_one_time_link_ids",
      "0011_staff_oidc_flows",
      "0012_approval_links",
      "0013_form_links",
      "0014_bulk_batches",
      "0015_tenant_priority_slots",
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
    await signalRun(store, runs.awaiting, {
      kind: "approve",
      by: asStaff("mike.chen@acme.example.com"),
      planHash: `hash-${runs.awaiting}`,
    });
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

/**
 * A run from before 0010: its TAP step kept the link's address in its outcome, attempt and event, and
 * its welcome email's event text held it too. The migration leaves the link's id in their place.
 */
async function scrubsOldLinks(store: Store): Promise<void> {
  await migrateUpTo(store, "0009_staff_idempotency");
  const run = randomUUID();
  const request = randomUUID();
  const token = "oldToken_abcdefghijklmnopqrstuvwxyz0123456789";
  const url = `https://lifecycle.example/credentials/${token}`;
  await store.query(`insert into clients (id, display_name, config) values ('acme', 'Acme', '{}')`);
  await store.query(
    `insert into requests (id, client_id, kind, body, requester, start_at) values ($1, 'acme', 'onboard', '{}', 'tech', now())`,
    [request],
  );
  await store.query(
    `insert into runs (id, request_id, client_id, kind, subject, status, plan, plan_hash, start_at)
     values ($1, $2, 'acme', 'onboard', 'sarah', 'running', '{"actions": []}', 'h', now())`,
    [run, request],
  );
  const data = { linkUrl: url, expiresAt: "2030-01-01T00:00:00.000Z", methodId: "m-1" };
  const succeeded = { kind: "succeeded", detail: "Temporary Access Pass issued", data };
  const waiting = { kind: "waiting", for: "x", until: "2030-01-01T00:00:00.000Z", applied: { data } };
  const [tap] = await store.query<{ id: number }>(
    `insert into actions (run_id, key, type, title, params, deps, tenant, api, state, run_at, outcome)
     values ($1, 'tap', 'identity.issue-temporary-access-pass', 'TAP', '{}', '{}', 'acme', 'entra', 'succeeded', now(), $2)
     returning id`,
    [run, JSON.stringify(succeeded)],
  );
  await store.query(
    `insert into attempts (action_id, run_id, attempt, fence, worker, started_at, outcome)
     values ($1, $2, 1, 1, 'w', now(), $3), ($1, $2, 2, 2, 'w', now(), $4)`,
    [tap!.id, run, JSON.stringify(waiting), JSON.stringify(succeeded)],
  );
  await store.query(
    `insert into events (run_id, action_key, type, message, detail)
     values ($1, 'tap', 'action.succeeded', 'issued', $2), ($1, 'welcome-email', 'action.succeeded', $3, null)`,
    [run, JSON.stringify(succeeded), `welcome email with ${url} sent`],
  );
  const ring = keyring(Buffer.alloc(32, 7));
  const sealed = seal(ring, "the-old-pass", `one-time-link\u0000${run}:tap`);
  await store.query(
    `insert into one_time_links (key, token_hash, label, key_id, iv, ciphertext, tag, expires_at)
     values ($1, $2, 'TAP', $3, $4, $5, $6, now() + interval '1 hour')`,
    [`${run}:tap`, tokenHash(token), sealed.keyId, sealed.iv, sealed.ciphertext, sealed.tag],
  );

  assert.deepEqual(await migrate(store), {
    applied: [
      "0010_one_time_link_ids",
      "0011_staff_oidc_flows",
      "0012_approval_links",
      "0013_form_links",
      "0014_bulk_batches",
      "0015_tenant_priority_slots",
    ],
  });

  const everything = JSON.stringify([
    await store.query("select outcome from actions"),
    await store.query("select outcome from attempts"),
    await store.query("select message, detail from events"),
    await store.query("select * from one_time_links"),
  ]);
  assert.doesNotMatch(everything, new RegExp(token), "no token is left in the clear");
  assert.doesNotMatch(everything, /linkUrl/);
  const linkId = `${run}:tap#1`;
  const [action] = await store.query<{ outcome: { data: Record<string, unknown> } }>(
    "select outcome from actions where id = $1",
    [tap!.id],
  );
  assert.deepEqual(action?.outcome.data, {
    linkId,
    linkState: "created",
    expiresAt: data.expiresAt,
    methodId: "m-1",
  });
  const attempts = await store.query<{ outcome: { data?: unknown; applied?: { data: unknown } } }>(
    "select outcome from attempts order by attempt",
  );
  assert.deepEqual(
    attempts
      .map((a) => (a.outcome.applied?.data ?? a.outcome.data) as Record<string, unknown>)
      .map((d) => d.linkId),
    [linkId, linkId],
  );
  const [event] = await store.query<{ detail: { data: Record<string, unknown> } }>(
    "select detail from events where action_key = 'tap'",
  );
  assert.equal(event?.detail.data.linkId, linkId);
  const [mail] = await store.query<{ message: string }>(
    "select message from events where action_key = 'welcome-email'",
  );
  assert.equal(mail?.message, "welcome email with https://lifecycle.example/credentials/[redacted] sent");
  const [link] = await store.query<{ run_id: string; action_key: string; generation: number }>(
    "select run_id, action_key, generation from one_time_links",
  );
  assert.deepEqual(link, { run_id: run, action_key: "tap", generation: 1 });
  // The link already mailed still opens: only its hash was ever stored, and that stays.
  const revealed = await revealLink(store, () => ring, token);
  assert.deepEqual(revealed, { kind: "revealed", label: "TAP", secret: "the-old-pass" });
}

describe("migration 0010 takes one-time links' addresses out of stored runs", () => {
  test("on the embedded store", async () => {
    const store = await openStore({ migrate: false });
    try {
      await scrubsOldLinks(store);
    } finally {
      await store.close();
    }
  });

  test("on PostgreSQL", async (t) => {
    const skip = await postgresSkipReason();
    if (skip) return t.skip(skip);
    const db = await freshPostgresDatabase();
    const store = await openStore({ databaseUrl: db.url, migrate: false });
    try {
      await scrubsOldLinks(store);
    } finally {
      await store.close();
      await db.drop();
    }
  });
});
