import type { OffboardingActions } from "../../domain/offboarding-actions.ts";
import type { Capabilities, DirectoryUser } from "../../ports/index.ts";
import { defineAction, type StepContext } from "../define.ts";
import { groupsToLeave } from "../groups/remove-all-memberships.ts";
import { personOrManager } from "../identity/resolve-manager.ts";
import { resolveUser } from "../identity/resolve-user.ts";

// Graph keeps signInSessionsValidFromDateTime to the second.
const secondMs = 1000;

type Expect = Partial<OffboardingActions>;
interface Params {
  upn: string;
  expect: Expect;
  /** Groups the client lets a leaver stay in. */
  keep?: string[];
}

/** One re-read: what it found wrong, or why it could not look. */
type Check = (user: DirectoryUser, ctx: StepContext<Capabilities>, p: Params) => Promise<string[]>;

const lower = (s: string | undefined) => s?.toLowerCase();

/** A check that needs a connector the client does not have is a finding: unproven is not gone. */
const unchecked = (what: string, connector: string) => [`${what} not checked (no ${connector} connector)`];

const checks: Record<string, Check> = {
  async signIn(user, ctx) {
    const found: string[] = [];
    if (user.accountEnabled)
      found.push(
        user.onPremisesSyncEnabled
          ? "sign-in is still enabled (synced from on-premises AD: disable it there)"
          : "sign-in is still enabled",
      );
    const from = user.signInSessionsValidFromDateTime
      ? Date.parse(user.signInSessionsValidFromDateTime)
      : NaN;
    if (!(from >= ctx.runStartAt.getTime() - secondMs))
      found.push(
        `sessions valid from ${user.signInSessionsValidFromDateTime ?? "(unknown)"}, before the run started`,
      );
    return found;
  },
  async groups(user, ctx, p) {
    const { go } = await groupsToLeave(ctx.caps.directory!, user.id, p.keep);
    return go.length ? [`still in ${go.map((g) => g.displayName).join(", ")}`] : [];
  },
  async licenses(user, ctx) {
    if (!ctx.caps.licensing) return unchecked("licenses", "licensing");
    return (await ctx.caps.licensing.assignedSkuIds(user.id)).length ? ["still holds licenses"] : [];
  },
  async mfa(user, ctx) {
    if (!ctx.caps.authentication) return unchecked("MFA methods", "authentication");
    const left = (await ctx.caps.authentication.methods(user.id)).filter(
      (m) => m.type !== "passwordAuthenticationMethod",
    );
    return left.length ? [`MFA methods remain: ${left.map((m) => m.type).join(", ")}`] : [];
  },
  async mailbox(user, ctx, p) {
    const e = p.expect;
    if (!ctx.caps.mailboxAdmin) return unchecked("mailbox", "Exchange Online");
    const mailbox = await ctx.caps.mailboxAdmin.mailbox(user.userPrincipalName);
    if (!mailbox) return ["mailbox not found"];
    const found: string[] = [];
    if (e.convertToShared && mailbox.type !== "shared") found.push(`mailbox is ${mailbox.type}, not shared`);
    if (e.hideFromAddressList && !mailbox.hiddenFromAddressLists) found.push("still in the address list");
    if (e.forwardTo) {
      const want = await personOrManager(ctx.caps.directory!, e.forwardTo.address, user.id);
      if (lower(mailbox.forwardingTo) !== want)
        found.push(`forwarding to ${mailbox.forwardingTo ?? "nobody"}, not ${want ?? "(no manager)"}`);
      else if (mailbox.deliverToMailboxAndForward !== e.forwardTo.keepCopy)
        found.push(e.forwardTo.keepCopy ? "forwarding keeps no copy" : "forwarding keeps a copy");
    }
    if (e.removeMobileDevices) {
      const devices = await ctx.caps.mailboxAdmin.mobileDevices(user.userPrincipalName);
      if (devices.length)
        found.push(`mobile devices remain: ${devices.map((d) => d.friendlyName ?? d.identity).join(", ")}`);
    }
    if (e.grantAccessTo) {
      const grantee = await personOrManager(ctx.caps.directory!, e.grantAccessTo, user.id);
      const holders = await ctx.caps.mailboxAdmin.fullAccessHolders(user.userPrincipalName);
      if (!grantee || !holders.includes(grantee))
        found.push(`${grantee ?? "the manager"} has no full access to the mailbox`);
    }
    return found;
  },
  async devices(user, ctx, p) {
    if (!ctx.caps.devices) return unchecked("devices", "Intune");
    const mode = p.expect.wipeDevices;
    const left = (await ctx.caps.devices.managedDevicesOf(user.id)).filter((d) => !d.pendingAction);
    return left.length ? [`${mode} not issued for ${left.map((d) => d.deviceName).join(", ")}`] : [];
  },
};

function checksFor(e: Expect): string[] {
  return [
    e.disableAccount && "signIn",
    e.removeGroups && "groups",
    e.removeLicenses && "licenses",
    e.removeMfa && "mfa",
    (e.convertToShared || e.hideFromAddressList || e.forwardTo || e.removeMobileDevices || e.grantAccessTo) &&
      "mailbox",
    e.wipeDevices && e.wipeDevices !== "none" && "devices",
  ].filter((x): x is string => typeof x === "string");
}

/**
 * The offboarding's last word: an independent re-read of everything that was asked, in every system at
 * once. Anything lingering — or anything that could not be looked at — fails the run.
 */
export const noAccessRemains = defineAction<Params, Capabilities>("verify.no-access-remains", {
  plan: async (p) => ({
    kind: "will-change",
    summary: `re-read ${p.upn}: ${checksFor(p.expect).join(", ") || "nothing asked"}`,
  }),
  // Nothing to change: the step is its verification.
  apply: async () => ({ kind: "done", detail: "no access remains" }),
  async verify(p, ctx) {
    if (!ctx.caps.directory) return { kind: "not-verified", observed: "no directory connector to re-read" };
    const user = await resolveUser(ctx.caps.directory, p.upn);
    const names = checksFor(p.expect);
    const found = (await Promise.all(names.map((n) => checks[n]!(user, ctx, p)))).flat();
    // Sign-in of a synced user is AD's to change: until the AD connector does, polling will not help.
    const settled = user.onPremisesSyncEnabled && user.accountEnabled && p.expect.disableAccount === true;
    return found.length
      ? { kind: "not-verified", observed: found.join("; "), settled }
      : { kind: "verified", detail: `re-read ${names.join(", ")}: no access remains` };
  },
  verifyDeadlineMs: 60_000,
});
