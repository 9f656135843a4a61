import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

export const clients = pgTable("clients", {
  id: text("id").primaryKey(),
  displayName: text("display_name").notNull(),
  config: jsonb("config").notNull(),
  createdAt: ts("created_at").notNull().defaultNow(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

export const requests = pgTable(
  "requests",
  {
    id: uuid("id").primaryKey(),
    clientId: text("client_id")
      .notNull()
      .references(() => clients.id),
    kind: text("kind").notNull(),
    body: jsonb("body").notNull(),
    requester: text("requester").notNull(),
    ticket: text("ticket"),
    startAt: ts("start_at").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    /**
     * The Idempotency-Key the submitter sent, scoped to who sent it, and a hash of the body it came with:
     * the same key again answers this request's run; with another body it is refused.
     */
    idempotencyOwner: text("idempotency_owner"),
    idempotencyKey: text("idempotency_key"),
    bodyHash: text("body_hash"),
  },
  (t) => [uniqueIndex("requests_idempotency").on(t.idempotencyOwner, t.idempotencyKey)],
);

export const runs = pgTable(
  "runs",
  {
    id: uuid("id").primaryKey(),
    requestId: uuid("request_id")
      .notNull()
      .references(() => requests.id),
    clientId: text("client_id")
      .notNull()
      .references(() => clients.id),
    kind: text("kind").notNull(),
    subject: text("subject").notNull(),
    /** A cache of the status derived from the actions, rewritten on every transition; never set by hand. */
    status: text("status").notNull(),
    plan: jsonb("plan").notNull(),
    planHash: text("plan_hash").notNull(),
    startAt: ts("start_at").notNull(),
    maxParallel: integer("max_parallel").notNull().default(4),
    cancelRequestedAt: ts("cancel_requested_at"),
    cancelReason: text("cancel_reason"),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    finishedAt: ts("finished_at"),
  },
  (t) => [index("runs_client_created").on(t.clientId, t.createdAt), index("runs_status").on(t.status)],
);

/** One row per step of a run's plan: the unit that workers claim, lease and checkpoint. */
export const actions = pgTable(
  "actions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id),
    key: text("key").notNull(),
    type: text("type").notNull(),
    title: text("title").notNull(),
    params: jsonb("params").notNull(),
    deps: text("deps").array().notNull(),
    required: boolean("required").notNull().default(true),
    /** Runs once every step it comes after has finished, whatever their outcome (the ticket's final log). */
    always: boolean("always").notNull().default(false),
    tenant: text("tenant").notNull(),
    api: text("api").notNull(),
    /** Which workers may claim it: "default", or a client site's queue served by that site's agent. */
    queue: text("queue").notNull().default("default"),
    /** Ports the plan routed to another of the client's systems than the default (port → system). */
    bind: jsonb("bind").$type<Record<string, string>>(),
    priority: integer("priority").notNull().default(0),
    /** pending | ready | running | waiting | retry | succeeded | already-done | skipped | failed | blocked | cancelled */
    state: text("state").notNull(),
    /** Which call resumes the step: "plan" (read state first) or "verify" (the change is made, prove it). */
    phase: text("phase").notNull().default("plan"),
    runAt: ts("run_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(8),
    leaseOwner: text("lease_owner"),
    leaseUntil: ts("lease_until"),
    fence: bigint("fence", { mode: "number" }).notNull().default(0),
    outcome: jsonb("outcome"),
    waitingSince: ts("waiting_since"),
    deadlineAt: ts("deadline_at"),
    startedAt: ts("started_at"),
    finishedAt: ts("finished_at"),
  },
  (t) => [
    uniqueIndex("actions_run_key").on(t.runId, t.key),
    // Every claim names its queues; a site agent's must not scan the default queue's backlog to find none.
    index("actions_claimable")
      .on(t.queue, t.runAt)
      .where(sql`state in ('ready', 'waiting', 'retry')`),
    index("actions_running")
      .on(t.tenant, t.api)
      .where(sql`state = 'running'`),
    // A worker whose ordinary slots are full asks for urgent steps (priority >= 100, the lock-out) on every
    // wake: that question must not scan a bulk onboarding's backlog (engine/queries/claim.ts).
    index("actions_urgent")
      .on(t.queue, t.runAt)
      .where(sql`state in ('ready', 'waiting', 'retry') and priority >= 100`),
  ],
);

export const attempts = pgTable(
  "attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    actionId: bigint("action_id", { mode: "number" })
      .notNull()
      .references(() => actions.id),
    runId: uuid("run_id").notNull(),
    attempt: integer("attempt").notNull(),
    fence: bigint("fence", { mode: "number" }).notNull(),
    worker: text("worker").notNull(),
    inDoubt: boolean("in_doubt").notNull().default(false),
    startedAt: ts("started_at").notNull(),
    endedAt: ts("ended_at").notNull().defaultNow(),
    outcome: jsonb("outcome").notNull(),
  },
  (t) => [index("attempts_action").on(t.actionId)],
);

export const events = pgTable(
  "events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: uuid("run_id").notNull(),
    actionKey: text("action_key"),
    at: ts("at")
      .notNull()
      .default(sql`clock_timestamp()`),
    type: text("type").notNull(),
    outcome: text("outcome"),
    message: text("message"),
    requestId: text("request_id"),
    detail: jsonb("detail"),
  },
  (t) => [index("events_run").on(t.runId, t.id)],
);

/**
 * How far each run's ticket has been told of its events: the last event noted, and who is noting now
 * (a lease, so no process holds a transaction open while a PSA answers).
 */
export const ticketTrail = pgTable("ticket_trail", {
  runId: uuid("run_id")
    .primaryKey()
    .references(() => runs.id),
  lastEventId: bigint("last_event_id", { mode: "number" }).notNull().default(0),
  leaseOwner: text("lease_owner"),
  leaseUntil: ts("lease_until"),
});

export const signals = pgTable(
  "signals",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id),
    /** The gate step the signal is for: a run may wait on several at once. */
    actionKey: text("action_key").notNull(),
    kind: text("kind").notNull(),
    actor: text("actor").notNull(),
    planHash: text("plan_hash"),
    note: text("note"),
    at: ts("at")
      .notNull()
      .default(sql`clock_timestamp()`),
  },
  (t) => [index("signals_step").on(t.runId, t.actionKey)],
);

/** Limits per client tenant and vendor API, shared by every worker through row locks. */
export const tenantLimits = pgTable(
  "tenant_limits",
  {
    tenant: text("tenant").notNull(),
    api: text("api").notNull(),
    concurrency: integer("concurrency").notNull(),
    ratePerSecond: doublePrecision("rate_per_second").notNull(),
    /**
     * Slots above `concurrency` that only urgent steps (an offboarding's lock-out) may take, and as many
     * tokens they may borrow from the rate bucket: a bulk onboarding holding every slot and token of the
     * tenant must not make a lock-out wait for them (engine/queries/claim.ts).
     */
    prioritySlots: integer("priority_slots").notNull().default(3),
    tokens: doublePrecision("tokens").notNull(),
    refilledAt: ts("refilled_at").notNull().defaultNow(),
    throttledUntil: ts("throttled_until"),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.api] })],
);

/**
 * Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE, migration 0008); each row's HMAC covers the
 * previous row's hash, so an edit anywhere breaks the chain (src/store/audit.ts). `key_id` names the master
 * key the chain key was derived from; rows without one predate keying and carry the old unkeyed SHA-256.
 */
export const auditLog = pgTable("audit_log", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  at: ts("at")
    .notNull()
    .default(sql`clock_timestamp()`),
  actor: text("actor").notNull(),
  action: text("action").notNull(),
  subject: text("subject").notNull(),
  detail: jsonb("detail"),
  prevHash: text("prev_hash").notNull(),
  hash: text("hash").notNull(),
  keyId: text("key_id"),
});

/** Secrets for clients' systems, sealed with the master key (src/credentials); never stored in the clear. */
export const credentials = pgTable("credentials", {
  ref: text("ref").primaryKey(),
  kind: text("kind").notNull(),
  keyId: text("key_id").notNull(),
  iv: text("iv").notNull(),
  ciphertext: text("ciphertext").notNull(),
  tag: text("tag").notNull(),
  /** Raised on every write, so a process holding connectors built from an older value knows to rebuild. */
  version: bigint("version", { mode: "number" }).notNull().default(1),
  createdAt: ts("created_at").notNull().defaultNow(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/**
 * A secret handed to a person once. Only the token's hash is kept (the token is derived from the master
 * key, the key and the generation when a message is written); the sealed secret is erased when it is
 * revealed. One row per step: sharing again or re-issuing raises the generation, which revokes the
 * token before it.
 */
export const oneTimeLinks = pgTable(
  "one_time_links",
  {
    key: text("key").primaryKey(),
    runId: uuid("run_id"),
    actionKey: text("action_key"),
    tokenHash: text("token_hash").notNull().unique(),
    label: text("label").notNull(),
    keyId: text("key_id"),
    iv: text("iv"),
    ciphertext: text("ciphertext"),
    tag: text("tag"),
    expiresAt: ts("expires_at").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    viewedAt: ts("viewed_at"),
    generation: integer("generation").notNull().default(1),
    /** The master key the token is derived with; null for links made before tokens were derived. */
    tokenKeyId: text("token_key_id"),
  },
  (t) => [index("one_time_links_run").on(t.runId)],
);

/**
 * An approval link: one per approver by address of a run's approval gate, mailed to them. Only the token's
 * hash is kept (the token is derived from the master key and the link's id when the mail is written); it
 * expires with the approval, and is used up by the one decision it carries.
 */
export const approvalLinks = pgTable(
  "approval_links",
  {
    id: uuid("id").primaryKey(),
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id),
    /** The gate step it answers: the run's approval. */
    actionKey: text("action_key").notNull(),
    /** The approver it was sent to, lowercased: who the decision is recorded as. */
    approver: text("approver").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    /** The master key the token is derived with. */
    tokenKeyId: text("token_key_id").notNull(),
    expiresAt: ts("expires_at").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    /** When its page was first opened. */
    viewedAt: ts("viewed_at"),
    usedAt: ts("used_at"),
    decision: text("decision"),
  },
  (t) => [
    uniqueIndex("approval_links_approver").on(t.runId, t.actionKey, t.approver),
    check("approval_links_decision", sql`${t.decision} in ('approve', 'reject')`),
    check("approval_links_used", sql`(${t.usedAt} is null) = (${t.decision} is null)`),
  ],
);

/**
 * A client-facing form link: one client, one kind (onboarding or offboarding), used any number of times
 * until it expires or is revoked. Only the token's hash is kept: the token is shown once, when it is made.
 */
export const formLinks = pgTable(
  "form_links",
  {
    id: uuid("id").primaryKey(),
    clientId: text("client_id")
      .notNull()
      .references(() => clients.id),
    kind: text("kind").notNull(),
    label: text("label"),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: ts("expires_at").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    createdBy: text("created_by").notNull(),
    revokedAt: ts("revoked_at"),
    revokedBy: text("revoked_by"),
  },
  (t) => [
    index("form_links_client").on(t.clientId, t.createdAt),
    check("form_links_kind", sql`${t.kind} in ('onboard', 'offboard')`),
  ],
);

/**
 * A run submitted through a form link, and the hash of the token its status page is read with. The token
 * is derived from the master key and the run's id, so a replayed submission answers the same address.
 */
export const formSubmissions = pgTable("form_submissions", {
  runId: uuid("run_id")
    .primaryKey()
    .references(() => runs.id),
  formLinkId: uuid("form_link_id")
    .notNull()
    .references(() => formLinks.id),
  statusTokenHash: text("status_token_hash").notNull().unique(),
  /** The master key the status token is derived with. */
  tokenKeyId: text("token_key_id").notNull(),
  createdAt: ts("created_at").notNull().defaultNow(),
});

/**
 * A client's workflow overlays, one row per save: a save never overwrites, so a run pinned to an older
 * version can still be explained, and the history says who changed what and when.
 */
export const workflowVersions = pgTable(
  "workflow_versions",
  {
    clientId: text("client_id")
      .notNull()
      .references(() => clients.id),
    kind: text("kind").notNull(),
    version: integer("version").notNull(),
    overlay: jsonb("overlay").notNull(),
    savedBy: text("saved_by").notNull(),
    savedAt: ts("saved_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.clientId, t.kind, t.version] }),
    check("workflow_versions_kind", sql`${t.kind} in ('onboard', 'offboard')`),
    check("workflow_versions_version", sql`${t.version} >= 1`),
  ],
);

/**
 * The MSP's staff: who signs in to the console and the API. A password is kept only as its argon2id
 * hash; an account signed in through the MSP's own identity provider may have none. Failed sign-ins
 * count up to a lock-out that lifts by itself; disabling an account ends its sessions and tokens.
 */
export const staffAccounts = pgTable(
  "staff_accounts",
  {
    id: uuid("id").primaryKey(),
    /** Lower-cased sign-in address: unique. */
    email: text("email").notNull(),
    displayName: text("display_name").notNull(),
    role: text("role").notNull(),
    /** The clients a scoped account may act on; null: every client. */
    clients: text("clients").array(),
    passwordHash: text("password_hash"),
    failedSignIns: integer("failed_sign_ins").notNull().default(0),
    lockedUntil: ts("locked_until"),
    createdAt: ts("created_at").notNull().defaultNow(),
    disabledAt: ts("disabled_at"),
  },
  (t) => [
    uniqueIndex("staff_accounts_email").on(t.email),
    check("staff_accounts_role", sql`${t.role} in ('admin', 'technician', 'approver', 'viewer')`),
  ],
);

/**
 * A signed-in browser. The cookie holds `<id>.<secret>`; the row holds the secret's SHA-256 (the secret is
 * 32 random bytes, so a fast hash is enough), so a database dump signs nobody in.
 */
export const staffSessions = pgTable(
  "staff_sessions",
  {
    id: text("id").primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => staffAccounts.id),
    secretHash: text("secret_hash").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    lastSeenAt: ts("last_seen_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("staff_sessions_account").on(t.accountId)],
);

/**
 * Personal API tokens: shown once, kept as a hash, scoped (a role and clients no wider than the owner's),
 * expiring, revocable. `purpose` marks the one the server writes for the CLI on its own machine.
 */
export const staffTokens = pgTable(
  "staff_tokens",
  {
    id: text("id").primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => staffAccounts.id),
    name: text("name").notNull(),
    role: text("role").notNull(),
    clients: text("clients").array(),
    secretHash: text("secret_hash").notNull(),
    purpose: text("purpose").notNull().default("personal"),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [
    index("staff_tokens_account").on(t.accountId),
    check("staff_tokens_role", sql`${t.role} in ('admin', 'technician', 'approver', 'viewer')`),
    check("staff_tokens_purpose", sql`${t.purpose} in ('personal', 'local-cli', 'sign-in-link')`),
  ],
);

/**
 * A sign-in through the MSP's identity provider, between leaving for it and coming back: at most ten
 * minutes, taken (deleted) by the first callback that names it. The browser's flow cookie holds
 * `<id>.<secret>`, the row the secret's SHA-256, so the callback is bound to the browser that started it.
 * The PKCE verifier stays here; it is worthless without the code the browser brings back.
 */
export const staffOidcFlows = pgTable(
  "staff_oidc_flows",
  {
    id: text("id").primaryKey(),
    secretHash: text("secret_hash").notNull(),
    state: text("state").notNull(),
    nonce: text("nonce").notNull(),
    codeVerifier: text("code_verifier").notNull(),
    /** A same-origin path to land on once signed in. */
    returnTo: text("return_to").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
  },
  (t) => [index("staff_oidc_flows_expires").on(t.expiresAt)],
);

/**
 * A CSV upload of onboardings or offboardings for one client: every row validated and pre-flighted when
 * uploaded, nothing run until the batch is submitted. `state` goes uploaded → submitting → submitted;
 * a batch left in submitting (a crash mid-submit) is resumed by submitting it again.
 */
export const bulkBatches = pgTable(
  "bulk_batches",
  {
    id: uuid("id").primaryKey(),
    clientId: text("client_id")
      .notNull()
      .references(() => clients.id),
    kind: text("kind").notNull(),
    state: text("state").notNull(),
    /** The staff account that uploaded it (and its address), who never approves it. */
    createdBy: text("created_by").notNull(),
    createdByEmail: text("created_by_email").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    submittedBy: text("submitted_by"),
    submittedAt: ts("submitted_at"),
    /** The lines left out when it was submitted. */
    excluded: integer("excluded")
      .array()
      .notNull()
      .default(sql`'{}'::integer[]`),
  },
  (t) => [
    index("bulk_batches_client_created").on(t.clientId, t.createdAt),
    check("bulk_batches_kind", sql`${t.kind} in ('onboard', 'offboard')`),
    check("bulk_batches_state", sql`${t.state} in ('uploaded', 'submitting', 'submitted')`),
  ],
);

/** One row of a batch's file, by the line it starts on; its run once the batch is submitted. */
export const bulkRows = pgTable(
  "bulk_rows",
  {
    batchId: uuid("batch_id")
      .notNull()
      .references(() => bulkBatches.id),
    line: integer("line").notNull(),
    /** The form body the row reads as, validated again (and planned) when the batch is submitted. */
    values: jsonb("values").notNull(),
    errors: jsonb("errors").notNull(),
    findings: jsonb("findings").notNull(),
    /** Name and UPN, for the console's list. */
    summary: jsonb("summary").notNull(),
    planHash: text("plan_hash"),
    runId: uuid("run_id").references(() => runs.id),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.line] })],
);
