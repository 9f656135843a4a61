import type { ClientConfig } from "../domain/client.ts";
import type { Plan } from "../domain/plan.ts";
import { fail, ok, type Result } from "../domain/result.ts";
import type { OffboardingRequest } from "../requests/index.ts";
import type { LiveState } from "./live-state.ts";
import { PlanBuilder, type PlanSystems } from "./plan-builder.ts";

const lockout = 100;

/**
 * Lock-out first and in parallel; the mailbox is handed over before licenses go (a license removed while
 * the mailbox is still converting loses the mailbox); group removal is recorded for evidence and rollback;
 * verification last, and required: lingering access fails the run.
 */
export async function planOffboarding(
  req: OffboardingRequest,
  client: ClientConfig,
  live: LiveState,
  systems?: PlanSystems,
): Promise<Result<Plan>> {
  const b = new PlanBuilder(client, systems);
  const id = "directory" as const;
  const user = { upn: req.user };
  const found = live.findUser ? await live.findUser(req.user) : undefined;
  if (live.findUser && !found) return fail("user", `${req.user} is not in the client's directory`);
  // What the planner read lets the lock-out steps go straight to their writes when approval is given.
  const target = found ? { ...user, userId: found.id, synced: found.onPremisesSyncEnabled } : user;
  const kept = client.identity.groupsKeptAtOffboarding;
  const a = req.actions;
  const mail = b.serves("mailboxAdmin");
  const first: string[] = [];
  if (a.disableAccount) {
    first.push(
      b.add(
        "revoke-sessions",
        "identity.revoke-sessions",
        "Revoke sign-in sessions",
        id,
        target,
        [],
        true,
        lockout,
      ),
    );
    first.push(
      b.add("reset-password", "identity.reset-password", "Reset password", id, target, [], true, lockout),
    );
    first.push(
      b.add("disable-sign-in", "identity.disable-sign-in", "Block sign-in", id, target, [], true, lockout),
    );
  }
  const after = first;
  if (a.removeMfa)
    b.add("remove-mfa", "identity.remove-mfa-methods", "Remove MFA methods", "authentication", user, after);
  const mailboxSteps: string[] = [];
  if (mail) {
    if (a.hideFromAddressList)
      mailboxSteps.push(
        b.add(
          "hide-from-gal",
          "mail.hide-from-address-list",
          "Hide from address list",
          "mailboxAdmin",
          user,
          after,
        ),
      );
    if (a.forwardTo)
      mailboxSteps.push(
        b.add(
          "forwarding",
          "mail.set-forwarding",
          `Forward to ${a.forwardTo.address}`,
          "mailboxAdmin",
          { ...user, ...a.forwardTo },
          after,
        ),
      );
    if (a.outOfOffice)
      mailboxSteps.push(
        b.add(
          "out-of-office",
          "mail.set-out-of-office",
          "Out-of-office reply",
          "mailboxAdmin",
          { ...user, message: a.outOfOffice },
          after,
        ),
      );
    if (a.removeMobileDevices)
      mailboxSteps.push(
        b.add(
          "remove-mobile-devices",
          "mail.remove-mobile-devices",
          "Remove mobile devices",
          "mailboxAdmin",
          user,
          after,
        ),
      );
    if (a.grantAccessTo)
      mailboxSteps.push(
        b.add(
          "grant-access",
          "mail.grant-mailbox-access",
          `Mailbox access for ${a.grantAccessTo}`,
          "mailboxAdmin",
          { mailbox: req.user, grantee: a.grantAccessTo, sendAs: true },
          after,
        ),
      );
    if (a.convertToShared)
      mailboxSteps.push(
        b.add(
          "convert-to-shared",
          "mail.convert-to-shared",
          "Convert mailbox to shared",
          "mailboxAdmin",
          user,
          after,
        ),
      );
  }
  if (a.wipeDevices !== "none")
    b.add(
      "devices",
      `devices.${a.wipeDevices}`,
      `${a.wipeDevices === "wipe" ? "Wipe" : "Retire"} devices`,
      "devices",
      user,
      after,
    );
  const groups = a.removeGroups
    ? [
        b.add(
          "remove-groups",
          "groups.remove-all-memberships",
          "Remove from all groups",
          id,
          { ...user, keep: kept },
          after,
        ),
      ]
    : [];
  if (a.removeLicenses)
    b.add(
      "remove-licenses",
      "licensing.remove-all-licenses",
      "Remove licenses (recorded for billing)",
      "licensing",
      user,
      [...after, ...mailboxSteps, ...groups],
    );
  if (a.notifySupervisor)
    b.add(
      "notify-supervisor",
      "notify.supervisor",
      "Notify supervisor",
      "mailSender",
      { ...user, from: client.mail.sendMailFrom, requester: req.requester },
      after,
      false,
    );
  if (a.deleteUser) b.add("delete-user", "identity.delete-user", "Delete user", id, user, b.keys());
  if (!a.deleteUser)
    b.add(
      "verify-no-access",
      "verify.no-access-remains",
      "Verify no access remains",
      id,
      { ...user, expect: a, keep: kept },
      b.keys(),
    );
  return ok(b.plan());
}
