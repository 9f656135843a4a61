import { z } from "zod";
import { fail, ok, parseWith, type Result } from "../domain/result.ts";
import {
  roleWithin,
  scopeWithin,
  staffRoles,
  type ClientScope,
  type Principal,
  type StaffRole,
} from "../domain/staff-roles.ts";
import { appendAudit } from "../store/audit.ts";
import type { Sql, Store } from "../store/sql.ts";
import { accountColumnsOf, type AccountRow } from "./accounts.ts";
import { issueSecret, parseSecret, secretMatches } from "./secrets.ts";

const prefix = "lct";
export const defaultTokenDays = 90;
const maxTokenDays = 365;

export type TokenPurpose = "personal" | "local-cli" | "sign-in-link";

/** What may be shown about a token: never its secret. */
export interface TokenInfo {
  id: string;
  name: string;
  owner: string;
  role: StaffRole;
  clients: ClientScope;
  purpose: TokenPurpose;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt?: Date;
  revokedAt?: Date;
}

const tokenRequest = z.strictObject({
  name: z.string().trim().min(1, { error: "must name what the token is for" }).max(100),
  role: z.enum(staffRoles, { error: `must be one of ${staffRoles.join(", ")}` }).optional(),
  clients: z.array(z.string().trim().min(1).max(100)).min(1).max(500).optional(),
  expiresInDays: z.int().min(1).max(maxTokenDays).default(defaultTokenDays),
});
export type TokenRequest = z.input<typeof tokenRequest>;

/**
 * A personal API token for `owner`: its role and clients default to the owner's and may only be
 * narrower. The value is in the answer once and nowhere else.
 */
export async function createToken(
  store: Store,
  owner: Principal,
  input: TokenRequest,
  purpose: TokenPurpose = "personal",
  now = new Date(),
): Promise<Result<{ token: string; info: TokenInfo }>> {
  const parsed = parseWith(tokenRequest, input, "");
  if (!parsed.ok) return parsed;
  const t = parsed.value;
  const role = t.role ?? owner.role;
  const clients: ClientScope = t.clients ?? owner.clients;
  if (!roleWithin(role, owner.role)) return fail("role", `may not exceed your own role (${owner.role})`);
  if (!scopeWithin(clients, owner.clients)) return fail("clients", "may only name clients you may act on");
  const s = issueSecret(prefix);
  const expiresAt = new Date(now.getTime() + t.expiresInDays * 86_400_000);
  await store.tx(async (sql) => {
    await sql.query(
      `insert into staff_tokens (id, account_id, name, role, clients, secret_hash, purpose, created_at, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        s.id,
        owner.accountId,
        t.name,
        role,
        clients === "all" ? null : clients,
        s.hash,
        purpose,
        now,
        expiresAt,
      ],
    );
    await appendAudit(sql, {
      actor: owner.email,
      action: "token.create",
      subject: `token:${s.id}`,
      detail: { name: t.name, role, clients, purpose, expiresAt: expiresAt.toISOString() },
    });
  });
  return ok({
    token: s.value,
    info: { id: s.id, name: t.name, owner: owner.email, role, clients, purpose, createdAt: now, expiresAt },
  });
}

interface TokenRow {
  id: string;
  name: string;
  role: StaffRole;
  clients: string[] | null;
  purpose: TokenPurpose;
  created_at: Date;
  expires_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  owner: string;
}

const infoOf = (r: TokenRow): TokenInfo => ({
  id: r.id,
  name: r.name,
  owner: r.owner,
  role: r.role,
  clients: r.clients ?? "all",
  purpose: r.purpose,
  createdAt: new Date(r.created_at),
  expiresAt: new Date(r.expires_at),
  ...(r.last_used_at ? { lastUsedAt: new Date(r.last_used_at) } : {}),
  ...(r.revoked_at ? { revokedAt: new Date(r.revoked_at) } : {}),
});

/** An account's tokens (an admin may ask for everyone's). */
export async function listTokens(sql: Sql, accountId?: string): Promise<TokenInfo[]> {
  const rows = await sql.query<TokenRow>(
    `select t.id, t.name, t.role, t.clients, t.purpose, t.created_at, t.expires_at, t.last_used_at, t.revoked_at,
            a.email as owner
       from staff_tokens t join staff_accounts a on a.id = t.account_id
      where ($1::uuid is null or t.account_id = $1::uuid) and t.purpose <> 'sign-in-link'
      order by t.created_at desc`,
    [accountId ?? null],
  );
  return rows.map(infoOf);
}

/** Revokes a token; only its owner or an admin may. Revoking twice is not an error. */
export async function revokeToken(store: Store, by: Principal, id: string): Promise<Result<TokenInfo>> {
  return store.tx(async (sql) => {
    const [row] = await sql.query<TokenRow & { account_id: string }>(
      `select t.id, t.name, t.role, t.clients, t.purpose, t.created_at, t.expires_at, t.last_used_at, t.revoked_at,
              t.account_id, a.email as owner
         from staff_tokens t join staff_accounts a on a.id = t.account_id where t.id = $1`,
      [id],
    );
    if (!row || (row.account_id !== by.accountId && by.role !== "admin"))
      return fail<TokenInfo>("id", "no token of yours has this id");
    const [done] = await sql.query<{ revoked_at: Date }>(
      "update staff_tokens set revoked_at = coalesce(revoked_at, now()) where id = $1 returning revoked_at",
      [id],
    );
    if (!row.revoked_at)
      await appendAudit(sql, { actor: by.email, action: "token.revoke", subject: `token:${id}` });
    return ok(infoOf({ ...row, revoked_at: done?.revoked_at ?? row.revoked_at }));
  });
}

/**
 * The principal a bearer token proves, or nothing. A sign-in link is not a bearer token: it is exchanged
 * once for a session (`redeemSignInLink`), never sent with API calls.
 */
export async function tokenPrincipal(
  store: Store,
  value: string,
  now = new Date(),
): Promise<Principal | undefined> {
  const row = await tokenRow(store, value);
  if (!row || row.purpose === "sign-in-link" || !usable(row, now)) return undefined;
  // At most one write a minute per token: "last used" is for people, not an access log.
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000)
    await store.query("update staff_tokens set last_used_at = $2 where id = $1", [row.token_id, now]);
  return {
    accountId: row.id,
    email: row.email,
    role: row.token_role,
    clients: row.token_clients ?? "all",
    via: "token",
    tokenId: row.token_id,
  };
}

/** The account a sign-in link is for, while it is usable; nothing is spent (the page asks for a password first). */
export async function signInLinkAccount(
  store: Store,
  value: string,
  now = new Date(),
): Promise<AccountRow | undefined> {
  const row = await tokenRow(store, value);
  return row && row.purpose === "sign-in-link" && usable(row, now) ? row : undefined;
}

/** Exchanges a one-time sign-in link for its account: the link is spent, whatever happens next. */
export async function redeemSignInLink(
  store: Store,
  value: string,
  now = new Date(),
): Promise<AccountRow | undefined> {
  const row = await tokenRow(store, value);
  if (!row || row.purpose !== "sign-in-link" || !usable(row, now)) return undefined;
  const [spent] = await store.query<{ id: string }>(
    "update staff_tokens set revoked_at = $2, last_used_at = $2 where id = $1 and revoked_at is null returning id",
    [row.token_id, now],
  );
  // Two redemptions at once: only the one whose update took the row signs in.
  return spent ? row : undefined;
}

type FullTokenRow = AccountRow & {
  token_id: string;
  token_role: StaffRole;
  token_clients: string[] | null;
  purpose: TokenPurpose;
  secret_hash: string;
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
};

async function tokenRow(sql: Sql, value: string): Promise<FullTokenRow | undefined> {
  const parsed = parseSecret(prefix, value.trim());
  if (!parsed) return undefined;
  const [row] = await sql.query<FullTokenRow>(
    `select ${accountColumnsOf("a")},
            t.id as token_id, t.role as token_role, t.clients as token_clients, t.purpose, t.secret_hash,
            t.expires_at, t.revoked_at, t.last_used_at
       from staff_tokens t join staff_accounts a on a.id = t.account_id where t.id = $1`,
    [parsed.id],
  );
  return row && secretMatches(parsed.secret, row.secret_hash) ? row : undefined;
}

function usable(row: FullTokenRow, now: Date): boolean {
  return !row.revoked_at && !row.disabled_at && new Date(row.expires_at) > now;
}
