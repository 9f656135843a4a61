import { createHmac, randomUUID } from "node:crypto";
import { LifecycleError } from "../domain/errors.ts";
import { approvalGateKey, gateType } from "../domain/plan.ts";
import type { ApprovalLinkAddress, ApprovalLinks } from "../ports/index.ts";
import type { Sql } from "../store/sql.ts";
import type { KeySource } from "./keys.ts";
import { linkBase, tokenHash } from "./one-time-links.ts";

/** One approver's link as the store holds it: never its token. */
export interface ApprovalLinkRecord {
  linkId: string;
  runId: string;
  /** The gate step it answers. */
  gate: string;
  approver: string;
  expiresAt: Date;
  viewedAt: Date | null;
}

/** Where a link's token stands, as its page shows it. */
export type ApprovalLinkState =
  | { kind: "ready"; link: ApprovalLinkRecord }
  | { kind: "not-found" }
  | { kind: "used"; link: ApprovalLinkRecord; usedAt: Date; decision: "approve" | "reject" }
  | { kind: "expired"; link: ApprovalLinkRecord };

/**
 * The token of a link, derived from the master key and the link's id: the message is written from them
 * alone, so the token is stored nowhere, and a message written again after a crash carries the same one.
 * Its own derivation context keeps it apart from one-time links' tokens.
 */
function derivedToken(masterKey: Buffer, linkId: string): string {
  const tokenKey = createHmac("sha256", masterKey).update("lifecycle approval link token").digest();
  return createHmac("sha256", tokenKey).update(linkId).digest("base64url");
}

// What a derived token looks like; anything else is not looked up, and answers as an unknown one does.
const tokenShape = /^[A-Za-z0-9_-]{20,100}$/;

interface LinkRow {
  id: string;
  run_id: string;
  action_key: string;
  approver: string;
  token_key_id: string;
  expires_at: Date;
  viewed_at: Date | null;
  used_at: Date | null;
  decision: "approve" | "reject" | null;
}

const columns = "id, run_id, action_key, approver, token_key_id, expires_at, viewed_at, used_at, decision";

const recordOf = (row: LinkRow): ApprovalLinkRecord => ({
  linkId: row.id,
  runId: row.run_id,
  gate: row.action_key,
  approver: row.approver,
  expiresAt: new Date(row.expires_at),
  viewedAt: row.viewed_at ? new Date(row.viewed_at) : null,
});

function stateOf(row: LinkRow, now: Date): ApprovalLinkState {
  const link = recordOf(row);
  if (row.used_at && row.decision)
    return { kind: "used", link, usedAt: new Date(row.used_at), decision: row.decision };
  if (link.expiresAt <= now) return { kind: "expired", link };
  return { kind: "ready", link };
}

/**
 * The link a token opens, and where it stands. `lock` holds the row to the end of the caller's
 * transaction: two decisions sent at the same moment are taken one after the other, and the second finds
 * the link used.
 */
export async function approvalLinkByToken(
  sql: Sql,
  token: string,
  opts: { lock?: boolean; now?: Date } = {},
): Promise<ApprovalLinkState> {
  if (!tokenShape.test(token)) return { kind: "not-found" };
  const [row] = await sql.query<LinkRow>(
    `select ${columns} from approval_links where token_hash = $1${opts.lock ? " for update" : ""}`,
    [tokenHash(token)],
  );
  return row ? stateOf(row, opts.now ?? new Date()) : { kind: "not-found" };
}

/** Notes the first opening of a link's page; true when this was it. */
export async function markViewed(sql: Sql, linkId: string, now: Date): Promise<boolean> {
  const rows = await sql.query(
    "update approval_links set viewed_at = $2 where id = $1 and viewed_at is null returning id",
    [linkId, now],
  );
  return rows.length > 0;
}

/** Uses the link up with the decision it carried; false when it was used already. */
export async function markUsed(
  sql: Sql,
  linkId: string,
  decision: "approve" | "reject",
  now: Date,
): Promise<boolean> {
  const rows = await sql.query(
    "update approval_links set used_at = $2, decision = $3 where id = $1 and used_at is null returning id",
    [linkId, now, decision],
  );
  return rows.length > 0;
}

/** The approval gate's deadline while it waits for a decision. */
export async function pendingApproval(sql: Sql, runId: string): Promise<{ expiresAt: Date } | undefined> {
  const [row] = await sql.query<{ deadline_at: Date | null }>(
    `select a.deadline_at from actions a join runs r on r.id = a.run_id
      where a.run_id = $1 and a.key = $2 and a.type = $3 and a.state in ('waiting', 'ready')
        and r.cancel_requested_at is null
        and not exists (select 1 from signals s where s.run_id = a.run_id and s.action_key = a.key
                         and (s.kind = 'reject' or s.plan_hash = r.plan_hash))`,
    [runId, approvalGateKey, gateType],
  );
  return row?.deadline_at ? { expiresAt: new Date(row.deadline_at) } : undefined;
}

/**
 * The product's ApprovalLinks. `publicUrl` is read when a link's address is written, since a server learns
 * its own address only once it listens; without one, the step fails clearly rather than mailing a dead link.
 */
export function approvalLinks(deps: {
  sql: Sql;
  keys: KeySource;
  publicUrl: () => string | undefined;
}): ApprovalLinks {
  const baseUrl = () => linkBase(deps.publicUrl, "approval links");
  return {
    pending: (runId) => pendingApproval(deps.sql, runId),

    async linkFor(runId, approver): Promise<ApprovalLinkAddress> {
      const base = baseUrl();
      const pending = await pendingApproval(deps.sql, runId);
      if (!pending) return { kind: "unavailable", reason: `run ${runId} no longer waits for approval` };
      const ring = deps.keys();
      const id = randomUUID();
      const email = approver.toLowerCase();
      // Made once per approver; a later call finds the same row. It expires with the approval, which a
      // retried run asks again with a new expiry: an unused link follows it.
      await deps.sql.query(
        `insert into approval_links (id, run_id, action_key, approver, token_hash, token_key_id, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (run_id, action_key, approver) do update set expires_at = excluded.expires_at
           where approval_links.used_at is null`,
        [
          id,
          runId,
          approvalGateKey,
          email,
          tokenHash(derivedToken(ring.current.key, id)),
          ring.current.id,
          pending.expiresAt,
        ],
      );
      const [row] = await deps.sql.query<LinkRow>(
        `select ${columns} from approval_links where run_id = $1 and action_key = $2 and approver = $3`,
        [runId, approvalGateKey, email],
      );
      if (!row) throw new Error(`the approval link of ${email} for run ${runId} was not stored`);
      if (row.used_at) return { kind: "unavailable", reason: `approval link ${row.id} was used already` };
      const key = ring.byId.get(row.token_key_id);
      if (!key)
        throw new LifecycleError({
          kind: "invalid",
          code: "MASTER_KEY_UNKNOWN",
          message: `approval link ${row.id} was made with master key ${row.token_key_id}, which this process was not given (see LIFECYCLE_PREVIOUS_MASTER_KEYS)`,
        });
      return {
        kind: "ready",
        linkId: row.id,
        url: `${base}/approvals/${derivedToken(key, row.id)}`,
        expiresAt: new Date(row.expires_at),
      };
    },
  };
}
