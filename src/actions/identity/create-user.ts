import { randomBytes } from "node:crypto";
import { LifecycleError } from "../../domain/errors.ts";
import type { Capabilities } from "../capabilities.ts";
import { defineAction } from "../define.ts";
import { need } from "../need.ts";

export interface CreateUserParams {
  upn: string;
  firstName: string;
  lastName: string;
  displayName: string;
  usageLocation: string;
  department?: string;
  jobTitle?: string;
  office?: string;
  employeeId?: string;
  employeeHireDate?: string;
  companyName?: string;
}

/**
 * A password nobody sees: it satisfies the directory, is forced to change, and first sign-in goes through
 * a Temporary Access Pass delivered by one-time link. It is never stored, logged or put in an event.
 */
export function unknowablePassword(): string {
  return `${randomBytes(24).toString("base64url")}aA1!`;
}

export const createUser = defineAction<CreateUserParams, Capabilities>("identity.create-user", {
  async plan(p, ctx) {
    const existing = await need(ctx.caps, "directory").findUser(p.upn);
    if (!existing) return { kind: "will-change", summary: `create ${p.upn}` };
    // The planner picked a free name; one that exists now is ours only if it is the person we create.
    if (existing.displayName === p.displayName)
      return { kind: "already-done", detail: `${p.upn} exists (${existing.id})` };
    throw new LifecycleError({
      kind: "conflict",
      code: "UpnTaken",
      message: `${p.upn} now belongs to "${existing.displayName}"; plan the onboarding again to pick another name`,
    });
  },
  async apply(p, ctx) {
    const user = await need(ctx.caps, "directory").createUser({
      upn: p.upn,
      displayName: p.displayName,
      givenName: p.firstName,
      surname: p.lastName,
      mailNickname: p.upn.split("@")[0] ?? p.upn,
      usageLocation: p.usageLocation,
      department: p.department,
      jobTitle: p.jobTitle,
      officeLocation: p.office,
      employeeId: p.employeeId,
      employeeHireDate: p.employeeHireDate,
      companyName: p.companyName,
      password: unknowablePassword(),
    });
    return { kind: "done", detail: `created ${p.upn}`, data: { userId: user.id } };
  },
  async verify(p, ctx) {
    const user = await need(ctx.caps, "directory").findUser(p.upn);
    return user
      ? { kind: "verified", detail: `${p.upn} exists (${user.id})` }
      : { kind: "not-verified", observed: "user not found yet" };
  },
  verifyDeadlineMs: 120_000,
});
