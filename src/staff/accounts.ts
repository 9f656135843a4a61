import { randomUUID } from "node:crypto";
import { z } from "zod";
import { fail, failAll, ok, parseWith, type Result } from "../domain/result.ts";
import { staffRoles, type ClientScope, type StaffRole } from "../domain/staff-roles.ts";
import { appendAudit } from "../store/audit.ts";
import type { Sql, Store } from "../store/sql.ts";
import { checkPassword, hashPassword } from "./passwords.ts";

export interface StaffAccount {
  id: string;
  email: string;
  displayName: string;
  role: StaffRole;
  clients: ClientScope;
  hasPassword: boolean;
  createdAt: Date;
  disabledAt?: Date;
}

export interface AccountRow {
  id: string;
  email: string;
  display_name: string;
  role: StaffRole;
  clients: string[] | null;
  password_hash: string | null;
  failed_sign_ins: number;
  locked_until: Date | null;
  created_at: Date;
  disabled_at: Date | null;
}

export const accountColumns =
  "id, email, display_name, role, clients, password_hash, failed_sign_ins, locked_until, created_at, disabled_at";

/** The same columns of a joined `staff_accounts` under `alias`. */
export const accountColumnsOf = (alias: string) =>
  accountColumns
    .split(", ")
    .map((c) => `${alias}.${c}`)
    .join(", ");

export function accountOf(r: AccountRow): StaffAccount {
  return {
    id: r.id,
    email: r.email,
    displayName: r.display_name,
    role: r.role,
    clients: r.clients ?? "all",
    hasPassword: r.password_hash !== null,
    createdAt: new Date(r.created_at),
    ...(r.disabled_at ? { disabledAt: new Date(r.disabled_at) } : {}),
  };
}

const clientIds = z
  .array(z.string().trim().min(1).max(100))
  .min(1, { error: "must name at least one client, or be left out for every client" })
  .max(500);

const newAccount = z.strictObject({
  email: z
    .email({ error: "must be an email address" })
    .max(254)
    .transform((s) => s.toLowerCase()),
  displayName: z.string().trim().min(1).max(200).optional(),
  role: z.enum(staffRoles, { error: `must be one of ${staffRoles.join(", ")}` }),
  clients: clientIds.optional(),
  password: z.string().optional(),
});
export type NewAccount = z.input<typeof newAccount>;

/** Creates a staff account; an address already in use, or a weak password, creates nothing. */
export async function createAccount(
  store: Store,
  input: NewAccount,
  actor: string,
): Promise<Result<StaffAccount>> {
  const parsed = parseWith(newAccount, input, "");
  if (!parsed.ok) return parsed;
  const a = parsed.value;
  let hash: string | null = null;
  if (a.password !== undefined) {
    const checked = checkPassword(a.password, a.email);
    if (!checked.ok) return checked;
    hash = await hashPassword(checked.value);
  }
  const unknown = a.clients ? await unknownClients(store, a.clients) : [];
  if (unknown.length)
    return failAll(unknown.map((c) => ({ field: "clients", message: `unknown client "${c}"` })));
  return store.tx(async (sql) => {
    const taken = await sql.query("select 1 from staff_accounts where email = $1", [a.email]);
    if (taken.length) return fail<StaffAccount>("email", "already has an account");
    const [row] = await sql.query<AccountRow>(
      `insert into staff_accounts (id, email, display_name, role, clients, password_hash)
       values ($1, $2, $3, $4, $5, $6) returning ${accountColumns}`,
      [randomUUID(), a.email, a.displayName ?? a.email, a.role, a.clients ?? null, hash],
    );
    await appendAudit(sql, {
      actor,
      action: "staff.create",
      subject: a.email,
      detail: { role: a.role, clients: a.clients ?? "all" },
    });
    return ok(accountOf(row!));
  });
}

async function unknownClients(sql: Sql, ids: readonly string[]): Promise<string[]> {
  const rows = await sql.query<{ id: string }>("select id from clients where id = any($1::text[])", [ids]);
  const known = new Set(rows.map((r) => r.id));
  return ids.filter((id) => !known.has(id));
}

export async function listAccounts(sql: Sql): Promise<StaffAccount[]> {
  const rows = await sql.query<AccountRow>(`select ${accountColumns} from staff_accounts order by email`);
  return rows.map(accountOf);
}

export async function findAccountRow(sql: Sql, email: string): Promise<AccountRow | undefined> {
  const [row] = await sql.query<AccountRow>(`select ${accountColumns} from staff_accounts where email = $1`, [
    email.trim().toLowerCase(),
  ]);
  return row;
}

export async function countAccounts(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ n: number }>("select count(*)::int as n from staff_accounts");
  return row?.n ?? 0;
}

/** Sets a new password: the lock-out is lifted and every other session of the account ends. */
export async function setPassword(
  store: Store,
  accountId: string,
  password: string,
  actor: string,
  keepSession?: string,
): Promise<Result<true>> {
  const [row] = await store.query<{ email: string }>("select email from staff_accounts where id = $1", [
    accountId,
  ]);
  if (!row) return fail("account", "no such account");
  const checked = checkPassword(password, row.email);
  if (!checked.ok) return checked;
  const hash = await hashPassword(checked.value);
  await store.tx(async (sql) => {
    await sql.query(
      "update staff_accounts set password_hash = $2, failed_sign_ins = 0, locked_until = null where id = $1",
      [accountId, hash],
    );
    await sql.query(
      "update staff_sessions set revoked_at = now() where account_id = $1 and revoked_at is null and id <> $2",
      [accountId, keepSession ?? ""],
    );
    await appendAudit(sql, { actor, action: "staff.password", subject: row.email });
  });
  return ok(true);
}

/** Disables an account: its sessions and tokens stop working at once; the row stays for the audit trail. */
export async function disableAccount(store: Store, email: string, actor: string): Promise<Result<true>> {
  return store.tx(async (sql) => {
    const row = await findAccountRow(sql, email);
    if (!row) return fail<true>("email", "no account has this address");
    if (row.role === "admin" && !row.disabled_at) {
      const [admins] = await sql.query<{ n: number }>(
        "select count(*)::int as n from staff_accounts where role = 'admin' and disabled_at is null",
      );
      if ((admins?.n ?? 0) <= 1) return fail<true>("email", "is the last admin: make another admin first");
    }
    await sql.query("update staff_accounts set disabled_at = coalesce(disabled_at, now()) where id = $1", [
      row.id,
    ]);
    await sql.query(
      "update staff_sessions set revoked_at = now() where account_id = $1 and revoked_at is null",
      [row.id],
    );
    await sql.query(
      "update staff_tokens set revoked_at = now() where account_id = $1 and revoked_at is null",
      [row.id],
    );
    await appendAudit(sql, { actor, action: "staff.disable", subject: row.email });
    return ok(true);
  });
}
