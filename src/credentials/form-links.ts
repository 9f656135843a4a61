import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { LifecycleError } from "../domain/errors.ts";
import type { Sql } from "../store/sql.ts";
import type { KeySource } from "./keys.ts";
import { tokenHash } from "./one-time-links.ts";

export type FormKind = "onboard" | "offboard";

/** A form link as the API lists it: never its token, which exists only in the answer that made it. */
export interface FormLinkRecord {
  id: string;
  clientId: string;
  kind: FormKind;
  label: string | null;
  expiresAt: Date;
  createdAt: Date;
  createdBy: string;
  revokedAt: Date | null;
  state: "active" | "expired" | "revoked";
}

/** Where a form link's token stands. */
export type FormLinkState =
  | { kind: "ready"; link: FormLinkRecord }
  | { kind: "not-found" }
  | { kind: "revoked"; link: FormLinkRecord }
  | { kind: "expired"; link: FormLinkRecord };

// What the tokens made here look like; anything else is not looked up, and answers as an unknown one does.
const tokenShape = /^[A-Za-z0-9_-]{20,100}$/;

interface LinkRow {
  id: string;
  client_id: string;
  kind: FormKind;
  label: string | null;
  expires_at: Date;
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
}

const columns = "id, client_id, kind, label, expires_at, created_at, created_by, revoked_at";

function recordOf(row: LinkRow, now: Date): FormLinkRecord {
  const expiresAt = new Date(row.expires_at);
  return {
    id: row.id,
    clientId: row.client_id,
    kind: row.kind,
    label: row.label,
    expiresAt,
    createdAt: new Date(row.created_at),
    createdBy: row.created_by,
    revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
    state: row.revoked_at ? "revoked" : expiresAt <= now ? "expired" : "active",
  };
}

/**
 * Makes a link and answers its token, the only time it is seen: the token is random (not derived), so a
 * lost link is revoked and a new one made, never shown again.
 */
export async function issueFormLink(
  sql: Sql,
  link: { clientId: string; kind: FormKind; label?: string | undefined; expiresAt: Date; createdBy: string },
  now: Date,
): Promise<{ link: FormLinkRecord; token: string }> {
  const token = randomBytes(32).toString("base64url");
  const [row] = await sql.query<LinkRow>(
    `insert into form_links (id, client_id, kind, label, token_hash, expires_at, created_by, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${columns}`,
    [
      randomUUID(),
      link.clientId,
      link.kind,
      link.label ?? null,
      tokenHash(token),
      link.expiresAt,
      link.createdBy,
      now,
    ],
  );
  if (!row) throw new Error(`the form link for client ${link.clientId} was not stored`);
  return { link: recordOf(row, now), token };
}

/** A client's links, newest first, in their states. */
export async function listFormLinks(sql: Sql, clientId: string, now: Date): Promise<FormLinkRecord[]> {
  const rows = await sql.query<LinkRow>(
    `select ${columns} from form_links where client_id = $1 order by created_at desc, id`,
    [clientId],
  );
  return rows.map((r) => recordOf(r, now));
}

/**
 * Revokes a link of the client; `revoked` is false when it was revoked already (nothing changed). A link
 * of another client is not found, as an unknown one.
 */
export async function revokeFormLink(
  sql: Sql,
  clientId: string,
  linkId: string,
  by: string,
  now: Date,
): Promise<{ link: FormLinkRecord; revoked: boolean } | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(linkId)) return undefined;
  const [changed] = await sql.query<LinkRow>(
    `update form_links set revoked_at = $3, revoked_by = $4
      where id = $1 and client_id = $2 and revoked_at is null returning ${columns}`,
    [linkId, clientId, now, by],
  );
  if (changed) return { link: recordOf(changed, now), revoked: true };
  const [row] = await sql.query<LinkRow>(
    `select ${columns} from form_links where id = $1 and client_id = $2`,
    [linkId, clientId],
  );
  return row ? { link: recordOf(row, now), revoked: false } : undefined;
}

/** The link a token opens, and whether it may still be used. */
export async function formLinkByToken(sql: Sql, token: string, now: Date): Promise<FormLinkState> {
  if (!tokenShape.test(token)) return { kind: "not-found" };
  const [row] = await sql.query<LinkRow>(`select ${columns} from form_links where token_hash = $1`, [
    tokenHash(token),
  ]);
  if (!row) return { kind: "not-found" };
  const link = recordOf(row, now);
  return link.state === "active" ? { kind: "ready", link } : { kind: link.state, link };
}

/**
 * A submission's status token, derived from the master key and the run's id: stored nowhere, and the same
 * for every answer about the same run, so a replayed submission answers the address the first one did.
 * Its own derivation context keeps it apart from every other link's token.
 */
function statusToken(masterKey: Buffer, runId: string): string {
  const tokenKey = createHmac("sha256", masterKey).update("lifecycle form status token").digest();
  return createHmac("sha256", tokenKey).update(runId).digest("base64url");
}

/** Notes the run a form link submitted, in the run's transaction; answers its status token. */
export async function recordFormSubmission(
  sql: Sql,
  keys: KeySource,
  runId: string,
  formLinkId: string,
): Promise<string> {
  const ring = keys();
  const token = statusToken(ring.current.key, runId);
  await sql.query(
    `insert into form_submissions (run_id, form_link_id, status_token_hash, token_key_id)
     values ($1, $2, $3, $4) on conflict (run_id) do nothing`,
    [runId, formLinkId, tokenHash(token), ring.current.id],
  );
  return (await submissionStatusToken(sql, keys, runId)) ?? token;
}

/** The status token of a run a form link submitted; undefined for any other run. */
export async function submissionStatusToken(
  sql: Sql,
  keys: KeySource,
  runId: string,
): Promise<string | undefined> {
  const [row] = await sql.query<{ token_key_id: string }>(
    "select token_key_id from form_submissions where run_id = $1",
    [runId],
  );
  if (!row) return undefined;
  const key = keys().byId.get(row.token_key_id);
  if (!key)
    throw new LifecycleError({
      kind: "invalid",
      code: "MASTER_KEY_UNKNOWN",
      message: `the status token of run ${runId} was made with master key ${row.token_key_id}, which this process was not given (see LIFECYCLE_PREVIOUS_MASTER_KEYS)`,
    });
  return statusToken(key, runId);
}

/** The run a status token reads, and the link that submitted it. */
export async function submissionByStatusToken(
  sql: Sql,
  token: string,
): Promise<{ runId: string; formLinkId: string } | undefined> {
  if (!tokenShape.test(token)) return undefined;
  const [row] = await sql.query<{ run_id: string; form_link_id: string }>(
    "select run_id, form_link_id from form_submissions where status_token_hash = $1",
    [tokenHash(token)],
  );
  return row ? { runId: row.run_id, formLinkId: row.form_link_id } : undefined;
}
