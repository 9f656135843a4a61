import { chmod, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Principal } from "../domain/staff-roles.ts";
import type { Store } from "../store/sql.ts";
import { accountOf, countAccounts, createAccount, findAccountRow } from "./accounts.ts";
import { createToken } from "./tokens.ts";

/** The account the CLI on the server's own machine acts as: reading its token file is being that operator. */
export const localOperatorEmail = "local-operator@lifecycle.invalid";
export const cliTokenFile = "cli-token";
const signInLinkDays = 1;
const cliTokenDays = 30;

const principalOf = (a: ReturnType<typeof accountOf>): Principal => ({
  accountId: a.id,
  email: a.email,
  role: a.role,
  clients: a.clients,
  via: "token",
});

/**
 * On a store with no staff yet: an admin account without a password, and a one-time sign-in link (a day)
 * for whoever started the server to claim it. Nothing when staff exist.
 */
export async function ensureFirstAdmin(
  store: Store,
  email: string,
  now = new Date(),
): Promise<{ email: string; signInToken: string } | undefined> {
  if ((await countAccounts(store)) > 0) return undefined;
  const created = await createAccount(
    store,
    { email, role: "admin", displayName: "First admin" },
    "lifecycle",
  );
  if (!created.ok) throw new Error(`the first admin could not be created: ${created.errors[0]?.message}`);
  const link = await signInLinkFor(store, created.value.email, "lifecycle", now);
  return link ? { email: created.value.email, signInToken: link } : undefined;
}

/** A one-time sign-in link's token for an account (first sign-in, or a forgotten password). */
export async function signInLinkFor(
  store: Store,
  email: string,
  actor: string,
  now = new Date(),
): Promise<string | undefined> {
  const row = await findAccountRow(store, email);
  if (!row || row.disabled_at) return undefined;
  const made = await createToken(
    store,
    { ...principalOf(accountOf(row)), email: actor },
    { name: "sign-in link", expiresInDays: signInLinkDays },
    "sign-in-link",
    now,
  );
  if (!made.ok) throw new Error(made.errors[0]?.message);
  return made.value.token;
}

/**
 * A fresh token for the CLI on this machine, written to the data folder readable by its owner only; the
 * previous one is revoked. The operator account is created the first time.
 */
export async function writeCliToken(store: Store, dataDir: string, now = new Date()): Promise<string> {
  const operator = await localOperator(store);
  await store.query(
    "update staff_tokens set revoked_at = $2 where account_id = $1 and purpose = 'local-cli' and revoked_at is null",
    [operator.accountId, now],
  );
  const made = await createToken(
    store,
    operator,
    { name: "CLI on the server's machine", expiresInDays: cliTokenDays },
    "local-cli",
    now,
  );
  if (!made.ok) throw new Error(made.errors[0]?.message);
  const path = join(dataDir, cliTokenFile);
  // Written beside and renamed, so a reader never sees half a token, and created 0600 so it never is
  // readable by anyone else, not even for a moment.
  const part = `${path}.${process.pid}`;
  await writeFile(part, `${made.value.token}\n`, { mode: 0o600 });
  await chmod(part, 0o600);
  await rename(part, path);
  return path;
}

/**
 * The operator on the server's machine, made the first time: who the CLI acts as when it holds the
 * machine's token, or works on the store directly (being able to open the data folder is being them).
 */
export async function localOperator(store: Store): Promise<Principal> {
  let row = await findAccountRow(store, localOperatorEmail);
  if (!row) {
    const made = await createAccount(
      store,
      { email: localOperatorEmail, role: "admin", displayName: "Operator on the server's machine" },
      "lifecycle",
    );
    // Two processes making it at once: the other one's row is as good.
    if (!made.ok && made.errors[0]?.message !== "already has an account")
      throw new Error(made.errors[0]?.message);
    row = await findAccountRow(store, localOperatorEmail);
  }
  if (!row) throw new Error("the local operator account is missing");
  return principalOf(accountOf(row));
}
