import { fail, ok, type Result } from "../domain/result.ts";
import { appendAudit } from "../store/audit.ts";
import type { Store } from "../store/sql.ts";
import { accountOf, findAccountRow, type StaffAccount } from "./accounts.ts";
import { decoyHash, passwordMatches } from "./passwords.ts";

/** Failures allowed before the account locks; each further failure doubles the lock, up to an hour. */
export const freeAttempts = 5;
const maxLockMs = 60 * 60_000;

export function lockFor(failures: number): number {
  if (failures < freeAttempts) return 0;
  return Math.min(60_000 * 2 ** (failures - freeAttempts), maxLockMs);
}

// One answer for an unknown address, a wrong password, a disabled or a locked account: which of them it
// was is for the audit log, not for whoever is guessing.
const refused = () =>
  fail<StaffAccount>(
    "password",
    "the address or the password is not right, or the account is locked for a while",
  );

/**
 * Checks an address and password. Every failure counts toward the lock-out; a locked account is refused
 * without its password being checked, so guessing during the lock learns nothing.
 */
export async function signIn(
  store: Store,
  email: string,
  password: string,
  now: Date = new Date(),
): Promise<Result<StaffAccount>> {
  const row = await findAccountRow(store, email);
  if (!row || !row.password_hash) {
    await passwordMatches(await decoyHash(), password);
    await audit(store, email, "unknown");
    return refused();
  }
  if (row.disabled_at) {
    await audit(store, row.email, "disabled");
    return refused();
  }
  if (row.locked_until && new Date(row.locked_until) > now) {
    await audit(store, row.email, "locked");
    return refused();
  }
  if (!(await passwordMatches(row.password_hash, password))) {
    // Counted in SQL, so parallel guesses cannot each read the same count and skip the lock.
    const [counted] = await store.query<{ failed_sign_ins: number }>(
      "update staff_accounts set failed_sign_ins = failed_sign_ins + 1 where id = $1 returning failed_sign_ins",
      [row.id],
    );
    const failures = counted?.failed_sign_ins ?? freeAttempts;
    const lock = lockFor(failures);
    if (lock)
      await store.query("update staff_accounts set locked_until = $2 where id = $1", [
        row.id,
        new Date(now.getTime() + lock),
      ]);
    await audit(store, row.email, lock ? "wrong-password-locked" : "wrong-password");
    return refused();
  }
  await store.query("update staff_accounts set failed_sign_ins = 0, locked_until = null where id = $1", [
    row.id,
  ]);
  return ok(accountOf(row));
}

function audit(store: Store, email: string, why: string) {
  return store.tx((sql) =>
    appendAudit(sql, {
      actor: email.trim().toLowerCase().slice(0, 254),
      action: "staff.sign-in-refused",
      subject: email.slice(0, 254),
      detail: { why },
    }),
  );
}
