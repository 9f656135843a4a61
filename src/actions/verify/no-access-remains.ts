import { z } from "zod";
import { LifecycleError } from "../../domain/errors.ts";
import { wipeModes } from "../../domain/offboarding-actions.ts";
import { portNames, type Capabilities } from "../../ports/index.ts";
import { residualWords, type ResidualCheck } from "../../domain/residual-access.ts";
import { defineAction, type ActionCatalog, type StepContext } from "../define.ts";
import { upn } from "../support/params.ts";
import { resolveUser } from "../support/resolve-user.ts";

/** A step of the run whose residual access the verification re-reads, as the plan has it. */
const plannedStep = z.strictObject({
  key: z.string().min(1),
  type: z.string().min(1),
  params: z.record(z.string(), z.unknown()),
});
type PlannedStep = z.output<typeof plannedStep>;

// The offboarding's choices as the request made them; other keys (later checkboxes) are not looked at.
const expect = z.object({
  disableAccount: z.boolean().optional(),
  removeMfa: z.boolean().optional(),
  convertToShared: z.boolean().optional(),
  forwardTo: z.object({ address: z.string(), keepCopy: z.boolean() }).optional(),
  grantAccessTo: z.string().optional(),
  hideFromAddressList: z.boolean().optional(),
  removeMobileDevices: z.boolean().optional(),
  wipeDevices: z.enum(wipeModes).optional(),
  removeGroups: z.boolean().optional(),
  removeLicenses: z.boolean().optional(),
});

const params = z.strictObject({
  upn,
  expect,
  /** Groups the client lets a leaver stay in. */
  keep: z.array(z.string()).optional(),
  /**
   * The run's steps to re-read, each by its own residual-access check. Runs planned before the planner
   * passed them have none: their steps are the ones `expect` asked for, under the planner's keys.
   */
  planned: z.array(plannedStep).optional(),
});
type Params = z.output<typeof params>;

/** What a run planned before `planned` existed holds, step for step, in the order it was re-read then. */
function askedFor(p: Params): PlannedStep[] {
  const e = p.expect;
  const user = { upn: p.upn };
  const step = (key: string, type: string, params: Record<string, unknown> = user): PlannedStep => ({
    key,
    type,
    params,
  });
  return [
    ...(e.disableAccount
      ? [
          step("disable-sign-in", "identity.disable-sign-in"),
          step("revoke-sessions", "identity.revoke-sessions"),
        ]
      : []),
    ...(e.removeGroups
      ? [
          step("remove-groups", "groups.remove-all-memberships", {
            ...user,
            ...(p.keep ? { keep: p.keep } : {}),
          }),
        ]
      : []),
    ...(e.removeLicenses ? [step("remove-licenses", "licensing.remove-all-licenses")] : []),
    ...(e.removeMfa ? [step("remove-mfa", "identity.remove-mfa-methods")] : []),
    ...(e.convertToShared ? [step("convert-to-shared", "mail.convert-to-shared")] : []),
    ...(e.hideFromAddressList ? [step("hide-from-gal", "mail.hide-from-address-list")] : []),
    ...(e.forwardTo ? [step("forwarding", "mail.set-forwarding", { ...user, ...e.forwardTo })] : []),
    ...(e.removeMobileDevices ? [step("remove-mobile-devices", "mail.remove-mobile-devices")] : []),
    ...(e.grantAccessTo
      ? [
          step("grant-access", "mail.grant-mailbox-access", {
            mailbox: p.upn,
            grantee: e.grantAccessTo,
            sendAs: true,
          }),
        ]
      : []),
    ...(e.wipeDevices && e.wipeDevices !== "none" ? [step("devices", `devices.${e.wipeDevices}`)] : []),
  ];
}

const unique = <T>(xs: T[]) => [...new Set(xs)];

/**
 * The offboarding's last word: an independent re-read, in every system at once, of what each planned
 * step took away. Each step says how to look (its residual-access check), so a new connector's action
 * brings its own check; anything lingering — or that could not be looked at — fails the run.
 */
export function noAccessRemainsOver(steps: ActionCatalog<Capabilities>) {
  const checked = (p: Params) =>
    (p.planned ?? askedFor(p)).flatMap((s) => {
      const action = steps.get(s.type);
      return action?.residualAccessOf ? [{ step: s, action, what: action.residualAccessOf }] : [];
    });

  /** A check that needs a port the client does not have is "not checked": unproven is not gone. */
  async function recheck(p: Params, ctx: StepContext<Capabilities>): Promise<ResidualCheck[]> {
    const each = checked(p).map(async ({ step, action, what }): Promise<ResidualCheck> => {
      const base = { step: step.key, type: step.type, what };
      const bound = action.bind(step.params, ctx.ports, { ...ctx, actionKey: step.key });
      if (bound.ok) {
        const found = bound.step.residualAccess ? await bound.step.residualAccess() : [];
        return found.length
          ? {
              ...base,
              result: "found",
              findings: found.map((f) => ({ found: f.found, settled: f.settled === true })),
            }
          : { ...base, result: "clean" };
      }
      if (bound.missingPort !== undefined) {
        const port = String(bound.missingPort);
        return { ...base, result: "not-checked", port, why: `no ${port} connector` };
      }
      throw new LifecycleError(bound.failure);
    });
    return Promise.all(each);
  }

  return defineAction({
    type: "verify.no-access-remains",
    params,
    ports: ["directory"],
    // Each planned step's check uses what that step uses; the client may lack some of them.
    optionalPorts: portNames.filter((port) => port !== "directory"),
    plan: async (p) => ({
      kind: "will-change",
      summary: `re-read ${p.upn}: ${unique(checked(p).map((c) => c.what)).join(", ") || "nothing asked"}`,
    }),
    // Nothing to change: the step is its verification.
    apply: async () => ({ kind: "done", detail: "no access remains" }),
    async verify(p, ctx) {
      // A leaver the directory no longer knows fails the step: nothing else can be re-read by their id.
      await resolveUser(ctx.ports.directory, p.upn);
      const checks = await recheck(p, ctx);
      const data = { checks };
      // The same thing seen by two steps' checks (the mailbox missing) is said once.
      const said = unique(checks.flatMap(residualWords));
      const settled = checks.some((c) => c.result === "found" && c.findings.some((f) => f.settled));
      const names = unique(checks.map((c) => c.what));
      return said.length
        ? { kind: "not-verified", observed: said.join("; "), settled, data }
        : { kind: "verified", detail: `re-read ${names.join(", ")}: no access remains`, data };
    },
    verifyDeadlineMs: 60_000,
  });
}
