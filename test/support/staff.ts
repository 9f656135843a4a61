import { randomUUID } from "node:crypto";
import type { VerifiedApprover } from "../../src/domain/approval.ts";
import type { ClientScope, Principal, StaffRole } from "../../src/domain/staff-roles.ts";
import { findAccountRow } from "../../src/staff/accounts.ts";
import type { Store } from "../../src/store/sql.ts";
import { staffToken } from "./signed-in.ts";

/** A signed-in staff member as the server's sign-in would hand a route one (no account row needed). */
export function principal(
  email: string,
  role: StaffRole = "approver",
  clients: ClientScope = "all",
): Principal {
  return { accountId: randomUUID(), email, role, clients, via: "session" };
}

/** A staff approver, for calling the engine as a route does with its principal. */
export function asStaff(email: string, role: StaffRole = "approver"): VerifiedApprover {
  return { kind: "staff", principal: principal(email, role) };
}

/** A staff account of this role and a token for it: the headers that make a request theirs. */
export async function signedIn(
  store: Store,
  email: string,
  role: StaffRole = "approver",
): Promise<{ email: string; accountId: string; headers: { authorization: string } }> {
  const token = await staffToken(store, { email, role });
  const row = await findAccountRow(store, email);
  if (!row) throw new Error(`no account ${email}`);
  return { email, accountId: row.id, headers: { authorization: `Bearer ${token}` } };
}
