import { Command, Option } from "commander";
import { terminalRunStatuses, type RunStatus } from "../../domain/run-status.ts";
import { CliError, exitCodes, type LifecycleApi } from "../api.ts";
import { renderEvent, renderPlan, renderRun, runJson } from "../render.ts";
import type { CliContext } from "./context.ts";

const collect = (value: string, previous: string[] = []) => [...previous, value];

function keyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new CliError(`--custom takes key=value, got "${value}"`, exitCodes.invalid);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

function startField(opts: { now?: boolean; start?: string }, flag: string): unknown {
  if (opts.now && opts.start)
    throw new CliError(`give either --${flag} or --now, not both`, exitCodes.invalid);
  if (!opts.now && !opts.start)
    throw new CliError(
      `give --${flag} (local time in the client's time zone, e.g. 2026-12-01T09:00) or --now`,
      exitCodes.invalid,
    );
  return opts.now ? "now" : opts.start;
}

function withRunOptions(cmd: Command): Command {
  return cmd
    .option("--dry-run", "show the plan without storing or running anything")
    .option("--wait", "follow the run live until it finishes")
    .option("--json", "machine-readable output");
}

export function onboardCommand(ctx: CliContext): Command {
  return withRunOptions(
    new Command("onboard")
      .description("onboard a new hire: one request, every step planned and run")
      .requiredOption("--client <id>", "client id")
      .requiredOption("--first-name <name>")
      .requiredOption("--last-name <name>")
      .option("--middle-name <name>")
      .option("--display-name <name>", "preferred display name")
      .option("--domain <domain>", "one of the client's domains (default: its first)")
      .option("--username <name>", "override the client's username format")
      .option("--manager <upn>")
      .option("--department <name>")
      .option("--job-title <title>")
      .option("--role <role>", "drives licenses and groups through the client's maps")
      .option("--office <office>")
      .option("--employee-id <id>")
      .option("--start <local-time>", "start in the client's time zone, e.g. 2026-12-01T09:00")
      .option("--now", "start now")
      .option("--copy-from <upn>", "template user to copy groups and licenses from")
      .option("--extra-group <group>", "repeatable", collect)
      .option("--extra-license <sku>", "repeatable", collect)
      .option("--shared-mailbox <address>", "repeatable", collect)
      .option("--device-serial <serial>", "Autopilot / RMM device")
      .option("--personal-email <email>", "for the credentials hand-off")
      .option("--personal-phone <e164>", "for the credentials hand-off")
      .option("--ticket <id>", "log to this PSA ticket")
      .option("--requester <who>", "who asked (default: $LIFECYCLE_ACTOR or $USER)")
      .option("--notes <text>")
      .option("--custom <key=value>", "client-specific field, repeatable", keyValue),
  ).action(async (o: Record<string, unknown>) => {
    const body = {
      client: o.client,
      firstName: o.firstName,
      lastName: o.lastName,
      middleName: o.middleName,
      displayName: o.displayName,
      domain: o.domain,
      username: o.username,
      manager: o.manager,
      department: o.department,
      jobTitle: o.jobTitle,
      role: o.role,
      office: o.office,
      employeeId: o.employeeId,
      start: startField(o, "start"),
      copyFrom: o.copyFrom,
      extraGroups: o.extraGroup,
      extraLicenses: o.extraLicense,
      sharedMailboxes: o.sharedMailbox,
      deviceSerial: o.deviceSerial,
      personalEmail: o.personalEmail,
      personalPhone: o.personalPhone,
      ticket: o.ticket,
      requester: o.requester ?? ctx.actor,
      notes: o.notes,
      customFields: o.custom,
    };
    await submitAndReport(ctx, "onboard", body, o);
  });
}

export function offboardCommand(ctx: CliContext): Command {
  const toggle = (cmd: Command, flag: string, what: string) =>
    cmd.addOption(new Option(`--${flag}`, what)).addOption(new Option(`--no-${flag}`, `do not ${what}`));
  let cmd = new Command("offboard")
    .description("offboard a leaver: lock out at once, hand over, remove access, verify none remains")
    .requiredOption("--client <id>", "client id")
    .requiredOption("--user <upn>", "the leaver")
    .option("--last-day <local-time>", "when to run, in the client's time zone")
    .option("--now", "run now");
  for (const [flag, what] of [
    ["disable-account", "disable the account (revoke sessions, reset password, block sign-in)"],
    ["remove-mfa", "remove MFA methods"],
    ["convert-to-shared", "convert the mailbox to shared"],
    ["hide-from-address-list", "hide from the address list"],
    ["remove-mobile-devices", "remove mobile devices"],
    ["remove-groups", "remove all group memberships"],
    ["remove-licenses", "remove licenses"],
    ["move-to-disabled-ou", "move to the disabled OU (AD)"],
    ["deactivate-psa-contact", "deactivate the PSA contact"],
    ["update-documentation", "update documentation"],
    ["notify-supervisor", "notify the supervisor"],
    ["delete-user", "delete the user (excludes the mailbox options)"],
    ["require-approval", "require manager approval"],
  ] as const)
    cmd = toggle(cmd, flag, what);
  cmd = cmd
    .option("--forward-to <address>", 'forward mail to an address, or "manager"')
    .option("--keep-copy", "keep a copy of forwarded mail (default)")
    .option("--no-keep-copy", "do not keep a copy of forwarded mail")
    .option("--out-of-office <message>")
    .option("--grant-access-to <upn>", 'mailbox access for a person, or "manager"')
    .addOption(new Option("--wipe-devices <mode>").choices(["none", "retire", "wipe"]))
    .option("--ticket <id>")
    .option("--requester <who>")
    .option("--reason <text>")
    .option("--notes <text>");
  return withRunOptions(cmd).action(async (o: Record<string, unknown>) => {
    const actions: Record<string, unknown> = {
      disableAccount: o.disableAccount,
      removeMfa: o.removeMfa,
      convertToShared: o.convertToShared,
      hideFromAddressList: o.hideFromAddressList,
      removeMobileDevices: o.removeMobileDevices,
      removeGroups: o.removeGroups,
      removeLicenses: o.removeLicenses,
      moveToDisabledOu: o.moveToDisabledOu,
      deactivatePsaContact: o.deactivatePsaContact,
      updateDocumentation: o.updateDocumentation,
      notifySupervisor: o.notifySupervisor,
      deleteUser: o.deleteUser,
      forwardTo: o.forwardTo ? { address: o.forwardTo, keepCopy: o.keepCopy } : undefined,
      outOfOffice: o.outOfOffice,
      grantAccessTo: o.grantAccessTo,
      wipeDevices: o.wipeDevices,
    };
    const body = {
      client: o.client,
      user: o.user,
      lastDay: startField({ now: o.now as boolean, start: o.lastDay as string }, "last-day"),
      actions: Object.fromEntries(Object.entries(actions).filter(([, v]) => v !== undefined)),
      requiresApproval: o.requireApproval,
      ticket: o.ticket,
      requester: o.requester ?? ctx.actor,
      reason: o.reason,
      notes: o.notes,
    };
    await submitAndReport(ctx, "offboard", body, o);
  });
}

async function submitAndReport(
  ctx: CliContext,
  kind: "onboard" | "offboard",
  body: Record<string, unknown>,
  o: Record<string, unknown>,
): Promise<void> {
  const clean = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
  const api = await ctx.connect({ worker: Boolean(o.wait) });
  try {
    const sub = await api.submit(kind, clean, Boolean(o.dryRun));
    if (sub.dryRun || !sub.runId) {
      ctx.out(
        o.json
          ? JSON.stringify(
              { dryRun: true, planHash: sub.planHash, plan: sub.plan, request: sub.request },
              null,
              2,
            )
          : renderPlan(sub.plan, sub.planHash),
      );
      return;
    }
    if (!o.wait) {
      ctx.out(
        o.json
          ? JSON.stringify({ runId: sub.runId, status: sub.status, planHash: sub.planHash }, null, 2)
          : `run ${sub.runId} is ${sub.status}\nfollow it: lifecycle runs show ${sub.runId}`,
      );
      return;
    }
    const status = await waitForRun(ctx, api, sub.runId, Boolean(o.json));
    const run = await api.getRun(sub.runId);
    ctx.out(o.json ? JSON.stringify(runJson(run), null, 2) : `\n${renderRun(run)}`);
    if (status === "failed" || status === "cancelled") ctx.setExitCode(exitCodes.runFailed);
  } finally {
    await api.close();
  }
}

/** Prints the run's events as they happen and resolves with its final status. */
export async function waitForRun(
  ctx: CliContext,
  api: LifecycleApi,
  runId: string,
  quiet: boolean,
): Promise<RunStatus> {
  return new Promise<RunStatus>((resolve, reject) => {
    let stop: (() => Promise<void>) | undefined;
    let final: RunStatus | undefined;
    api
      .follow(runId, (e) => {
        if (!quiet) ctx.err(renderEvent(e));
        if (e.type === "approval.requested" && !quiet) ctx.err(`  approve with: lifecycle approve ${runId}`);
        if (e.type === "run.status" && terminalRunStatuses.has(e.outcome as RunStatus) && !final) {
          final = e.outcome as RunStatus;
          const done = final;
          setImmediate(() => void stop?.().then(() => resolve(done), reject));
        }
      })
      .then((s) => {
        stop = s;
        if (final) void s().then(() => resolve(final as RunStatus), reject);
      }, reject);
  });
}
