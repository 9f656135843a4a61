import type { ClientConfig } from "../domain/client.ts";
import type { Plan } from "../domain/plan.ts";
import { fail, ok, type Result } from "../domain/result.ts";
import type { OffboardingRequest } from "../requests/index.ts";
import type { LiveState } from "./live-state.ts";
import { identityApi, PlanBuilder } from "./plan-builder.ts";

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
): Promise<Result<Plan>> {
  const b = new PlanBuilder(client);
  const id = identityApi(client);
  const user = { upn: req.user };
  const found = live.findUser ? await live.findUser(req.user) : undefined;
  if (live.findUser && !found) return fail("user", `${req.user} is not in the client's directory`);
  // What the planner read lets the lock-out steps go straight to their writes when approval is given.
  const target = found ? { ...user, userId: found.id, synced: found.onPremisesSyncEnabled } : user;
  const ms = client.microsoft;
  const a = req.actions;
  const mail = client.systems.mail === "exchange-online";
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
  if (a.removeMfa) b.add("remove-mfa", "identity.remove-mfa-methods", "Remove MFA methods", id, user, after);
  const mailboxSteps: string[] = [];
  if (mail) {
    if (a.hideFromAddressList)
      mailboxSteps.push(
        b.add(
          "hide-from-gal",
          "mail.hide-from-address-list",
          "Hide from address list",
          "exchange",
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
          "exchange",
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
          "exchange",
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
          "exchange",
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
          "exchange",
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
          "exchange",
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
      id,
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
          { ...user, keep: ms?.groupsKeptAtOffboarding ?? [] },
          after,
        ),
      ]
    : [];
  if (a.removeLicenses)
    b.add(
      "remove-licenses",
      "licensing.remove-all-licenses",
      "Remove licenses (recorded for billing)",
      id,
      user,
      [...after, ...mailboxSteps, ...groups],
    );
  if (a.moveToDisabledOu && client.systems.identity === "ad")
    b.add("disabled-ou", "identity.move-to-disabled-ou", "Move to disabled OU", "ad", user, after);
  if (a.deactivatePsaContact && client.systems.psa)
    b.add(
      "psa-contact",
      "psa.deactivate-contact",
      "Deactivate PSA contact",
      client.systems.psa,
      user,
      after,
      false,
    );
  if (a.updateDocumentation && client.systems.docs)
    b.add("docs", "docs.update-record", "Update documentation", client.systems.docs, user, after, false);
  if (a.notifySupervisor)
    b.add(
      "notify-supervisor",
      "notify.supervisor",
      "Notify supervisor",
      "mail",
      { ...user, from: ms?.sendMailFrom, requester: req.requester },
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
      { ...user, expect: a, keep: ms?.groupsKeptAtOffboarding ?? [] },
      b.keys(),
    );
  return ok(b.plan());
}
