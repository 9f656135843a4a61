import type { Store } from "../../store/sql.ts";
import { issueSecret, parseSecret, secretMatches } from "../secrets.ts";

/** How long a person has between leaving for the identity provider and coming back. */
export const flowTtlMs = 10 * 60_000;
const prefix = "lco";

/** What the callback must match: the state and nonce sent, the PKCE verifier, and where to land. */
export interface PendingFlow {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

export interface SavedFlow {
  /** The flow cookie's value: `lco_<id>.<secret>`, the row keeps only the secret's hash. */
  cookie: string;
  expiresAt: Date;
}

export async function saveFlow(store: Store, flow: PendingFlow, now: Date): Promise<SavedFlow> {
  const s = issueSecret(prefix);
  const expiresAt = new Date(now.getTime() + flowTtlMs);
  await store.tx(async (sql) => {
    // Abandoned sign-ins go with the next one started, so the table holds ten minutes' worth at most.
    await sql.query("delete from staff_oidc_flows where expires_at <= $1", [now]);
    await sql.query(
      `insert into staff_oidc_flows (id, secret_hash, state, nonce, code_verifier, return_to, created_at, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [s.id, s.hash, flow.state, flow.nonce, flow.codeVerifier, flow.returnTo, now, expiresAt],
    );
  });
  return { cookie: s.value, expiresAt };
}

/**
 * The flow a cookie names, taken: the row is deleted in the same statement that reads it, so of two
 * callbacks racing with one cookie only one gets it, and a callback replayed later finds nothing. A
 * wrong secret or an expired flow is taken too, and answers nothing.
 */
export async function takeFlow(store: Store, cookie: string, now: Date): Promise<PendingFlow | undefined> {
  const parsed = parseSecret(prefix, cookie);
  if (!parsed) return undefined;
  const [row] = await store.query<{
    secret_hash: string;
    state: string;
    nonce: string;
    code_verifier: string;
    return_to: string;
    expires_at: Date;
  }>(
    `delete from staff_oidc_flows where id = $1
     returning secret_hash, state, nonce, code_verifier, return_to, expires_at`,
    [parsed.id],
  );
  if (!row || !secretMatches(parsed.secret, row.secret_hash)) return undefined;
  if (new Date(row.expires_at) <= now) return undefined;
  return { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to };
}
