import type { Principal } from "../domain/staff-roles.ts";
import { appendAudit } from "../store/audit.ts";
import type { Store } from "../store/sql.ts";
import { accountColumnsOf, type AccountRow } from "./accounts.ts";
import { issueSecret, parseSecret, secretMatches } from "./secrets.ts";

/** A session ends after this long without a request, and after `maxAgeMs` whatever happens. */
export const sessionIdleMs = 8 * 3600_000;
export const sessionMaxAgeMs = 24 * 3600_000;
const prefix = "lcs";
// last_seen_at is written at most this often, so reading pages does not write a row per request.
const touchEveryMs = 60_000;

export interface NewSession {
  /** The cookie's value: shown to the browser once, never stored. */
  cookie: string;
  id: string;
  expiresAt: Date;
}

/** How a session's holder proved who they are, for the audit entry of the sign-in. */
export interface SignInMethod {
  method: "password" | "oidc" | "sign-in-link";
  /** The identity provider's issuer and subject, when it was the provider that said who this is. */
  issuer?: string;
  subject?: string;
}

export async function createSession(
  store: Store,
  accountId: string,
  now = new Date(),
  how?: SignInMethod,
): Promise<NewSession> {
  const s = issueSecret(prefix);
  const expiresAt = new Date(now.getTime() + sessionMaxAgeMs);
  await store.tx(async (sql) => {
    await sql.query(
      `insert into staff_sessions (id, account_id, secret_hash, created_at, last_seen_at, expires_at)
       values ($1, $2, $3, $4, $4, $5)`,
      [s.id, accountId, s.hash, now, expiresAt],
    );
    const [who] = await sql.query<{ email: string }>("select email from staff_accounts where id = $1", [
      accountId,
    ]);
    await appendAudit(sql, {
      actor: who?.email ?? accountId,
      action: "staff.sign-in",
      subject: `session:${s.id}`,
      ...(how ? { detail: { ...how } } : {}),
    });
  });
  return { cookie: s.value, id: s.id, expiresAt };
}

/** The principal a session cookie proves, or nothing: unknown, wrong secret, revoked, idle, expired or disabled. */
export async function sessionPrincipal(
  store: Store,
  cookie: string,
  now = new Date(),
): Promise<(Principal & { sessionId: string }) | undefined> {
  const parsed = parseSecret(prefix, cookie);
  if (!parsed) return undefined;
  const [row] = await store.query<
    AccountRow & { secret_hash: string; last_seen_at: Date; expires_at: Date; revoked_at: Date | null }
  >(
    `select ${accountColumnsOf("a")},
            s.secret_hash, s.last_seen_at, s.expires_at, s.revoked_at
       from staff_sessions s join staff_accounts a on a.id = s.account_id where s.id = $1`,
    [parsed.id],
  );
  if (!row || !secretMatches(parsed.secret, row.secret_hash)) return undefined;
  if (row.revoked_at || row.disabled_at) return undefined;
  const lastSeen = new Date(row.last_seen_at).getTime();
  if (new Date(row.expires_at) <= now || now.getTime() - lastSeen > sessionIdleMs) return undefined;
  if (now.getTime() - lastSeen > touchEveryMs)
    await store.query("update staff_sessions set last_seen_at = $2 where id = $1", [parsed.id, now]);
  return {
    accountId: row.id,
    email: row.email,
    role: row.role,
    clients: row.clients ?? "all",
    via: "session",
    sessionId: parsed.id,
  };
}

export async function endSession(store: Store, sessionId: string, actor: string): Promise<void> {
  await store.tx(async (sql) => {
    await sql.query("update staff_sessions set revoked_at = now() where id = $1 and revoked_at is null", [
      sessionId,
    ]);
    await appendAudit(sql, { actor, action: "staff.sign-out", subject: `session:${sessionId}` });
  });
}
