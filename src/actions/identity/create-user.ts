import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { LifecycleError } from "../../domain/errors.ts";
import type {
  IdentityDirectory,
  InitialPassword,
  InitialPasswords,
  UserTemplate,
} from "../../ports/index.ts";
import { defineAction, type StepContext } from "../define.ts";
import { actionError, requirePort } from "../support/fail.ts";
import { text, upn } from "../support/params.ts";
import { readTemplate } from "../support/read-template.ts";

const params = z.strictObject({
  upn,
  firstName: text,
  lastName: text,
  displayName: text,
  /** Optional only with copyFrom: the template's then applies. */
  usageLocation: z.string().optional(),
  department: z.string().optional(),
  jobTitle: z.string().optional(),
  office: z.string().optional(),
  employeeId: z.string().optional(),
  employeeHireDate: z.string().optional(),
  companyName: z.string().optional(),
  /** A user whose attributes fill in what the form left out (the form wins). */
  copyFrom: upn.optional(),
  /**
   * The client's choice (ClientConfig.identity.initialPassword): a password nobody knows, or one derived
   * for this step that the documentation step hands to the client's vault. Absent (plans made before the
   * choice existed) is the password nobody knows.
   */
  passwordMode: z.enum(["unknowable", "vault"]).optional(),
});
export type CreateUserParams = z.output<typeof params>;

type CopiedAttributes = UserTemplate["attributes"];
type CreateUserPorts = { initialPasswords?: InitialPasswords | undefined };

/** The form's attributes over the template's: a field the form gave is never replaced. */
async function attributesOf(p: CreateUserParams, directory: IdentityDirectory): Promise<CopiedAttributes> {
  const form: CopiedAttributes = {
    department: p.department,
    jobTitle: p.jobTitle,
    companyName: p.companyName,
    officeLocation: p.office,
    usageLocation: p.usageLocation,
  };
  const given = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== undefined && v !== ""));
  const copied = p.copyFrom ? (await readTemplate(directory, p.copyFrom)).attributes : {};
  return { ...copied, ...given };
}

/**
 * A password nobody sees: it satisfies the directory, is forced to change, and first sign-in goes through
 * a Temporary Access Pass delivered by one-time link. It is never stored, logged or put in an event.
 */
export function unknowablePassword(): string {
  return `${randomBytes(24).toString("base64url")}aA1!`;
}

/**
 * The vault password of this step, from the current master key: the same on every attempt, so a retry
 * sets (and the vault step stores) the one password. What the step reports names the key, never the
 * password, so the vault step derives it from that key even after a rotation.
 */
async function vaultPassword(ctx: StepContext<CreateUserPorts>): Promise<InitialPassword> {
  return requirePort(ctx.ports, "initialPasswords").derive({ runId: ctx.runId, actionKey: ctx.actionKey });
}

const passwordData = (made: InitialPassword | undefined) =>
  made ? { passwordMode: "vault", passwordKeyId: made.keyId } : {};

function noUsageLocation(p: CreateUserParams): LifecycleError {
  return actionError(
    "NO_USAGE_LOCATION",
    `no usage location for ${p.upn}: the request gives none${p.copyFrom ? ` and neither does ${p.copyFrom}` : ""}`,
  );
}

export const createUser = defineAction({
  type: "identity.create-user",
  params,
  ports: ["directory"],
  optionalPorts: ["initialPasswords"],
  async plan(p, ctx) {
    const dir = ctx.ports.directory;
    const existing = await dir.findUser(p.upn);
    if (!existing) {
      const attributes = await attributesOf(p, dir);
      if (!attributes.usageLocation) throw noUsageLocation(p);
      return {
        kind: "will-change",
        summary: p.copyFrom ? `create ${p.upn} like ${p.copyFrom}` : `create ${p.upn}`,
        ...(p.copyFrom ? { to: attributes } : {}),
      };
    }
    // The planner picked a free name; one that exists now is ours only if it is the person we create.
    if (existing.displayName === p.displayName) {
      // An earlier attempt of this step created it (a crash, a lost answer), with the step's password: set
      // again, so the vault step is told of a password that certainly is the account's.
      if (p.passwordMode === "vault" && !ctx.firstAttempt)
        return {
          kind: "will-change",
          summary: `set ${p.upn}'s initial password again: an earlier attempt created the account`,
          handOff: { existing },
        };
      return { kind: "already-done", detail: `${p.upn} exists (${existing.id})` };
    }
    throw actionError(
      "UPN_TAKEN",
      `${p.upn} now belongs to "${existing.displayName}"; plan the onboarding again to pick another name`,
    );
  },
  async apply(p, ctx, planned) {
    const dir = ctx.ports.directory;
    const made = p.passwordMode === "vault" ? await vaultPassword(ctx) : undefined;
    if (planned?.existing && made) {
      await dir.setPassword(planned.existing.id, made.password, true);
      return {
        kind: "done",
        detail: `set ${p.upn}'s initial password again`,
        data: { userId: planned.existing.id, ...passwordData(made) },
      };
    }
    const { usageLocation, ...attributes } = await attributesOf(p, dir);
    if (!usageLocation) throw noUsageLocation(p);
    const user = await dir.createUser({
      ...attributes,
      upn: p.upn,
      displayName: p.displayName,
      givenName: p.firstName,
      surname: p.lastName,
      mailNickname: p.upn.split("@")[0] ?? p.upn,
      usageLocation,
      employeeId: p.employeeId,
      employeeHireDate: p.employeeHireDate,
      password: made?.password ?? unknowablePassword(),
    });
    return { kind: "done", detail: `created ${p.upn}`, data: { userId: user.id, ...passwordData(made) } };
  },
  async verify(p, ctx) {
    const dir = ctx.ports.directory;
    const user = await dir.findUser(p.upn);
    if (!user) return { kind: "not-verified", observed: "user not found yet" };
    if (p.copyFrom) {
      // Only these come back from a user read; the address fields went in the same create call.
      const want = await attributesOf(p, dir);
      const off = (["department", "jobTitle", "usageLocation"] as const).filter((k) => want[k] !== user[k]);
      if (off.length)
        return {
          kind: "not-verified",
          observed: off.map((k) => `${k} is ${user[k] ?? "empty"}, not ${want[k] ?? "empty"}`).join("; "),
        };
    }
    return { kind: "verified", detail: `${p.upn} exists (${user.id})` };
  },
  verifyDeadlineMs: 120_000,
});
