import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { VerifiedApprover } from "../../src/domain/approval.ts";
import type { ClientScope, Principal, StaffRole } from "../../src/domain/staff-roles.ts";

/** A signed-in staff member as the server's sign-in would hand a route one (no account row needed). */
export function principal(
  email: string,
  role: StaffRole = "approver",
  clients: ClientScope = "all",
): Principal {
  return { accountId: randomUUID(), email, role, clients, via: "session" };
}

/** A staff approver, for calling the engine as the route would once it has a principal. */
export function asStaff(email: string, role: StaffRole = "approver"): VerifiedApprover {
  return { kind: "staff", principal: principal(email, role) };
}

export const principalHeader = "x-test-principal";

/**
 * Sets `request.principal` from a test-only header naming one of `principals` by address, standing in
 * for the staff sign-in hook: a request without the header has no principal.
 */
export function signInWith(app: FastifyInstance, principals: readonly Principal[]): void {
  const byEmail = new Map(principals.map((p) => [p.email, p]));
  app.addHook("onRequest", async (request) => {
    const who = request.headers[principalHeader];
    const p = typeof who === "string" ? byEmail.get(who) : undefined;
    if (p) request.principal = p;
  });
}

/** The header that makes a request `p`'s. */
export const as = (p: Principal) => ({ [principalHeader]: p.email });
