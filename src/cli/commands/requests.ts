import { Command, Option } from "commander";
import { terminalRunStatuses, type RunStatus } from "../../domain/run-status.ts";
import { usernameRules } from "../../domain/username-rule.ts";
import { bodyFromFlags, cliFlags, requestForms, type FormOutline } from "../../requests/index.ts";
import { CliError, exitCodes, type LifecycleApi } from "../api.ts";
import {
  renderEvent,
  renderFindings,
  renderPlan,
  renderRun,
  runJson,
  startText,
  wrapped,
  zoneName,
} from "../render.ts";
import type { CliContext } from "./context.ts";

const collect = (value: string, previous: string[] = []) => [...previous, value];

function withRunOptions(cmd: Command): Command {
  return cmd
    .option("--dry-run", "show the plan without storing or running anything")
    .option("--wait", "follow the run live until it finishes")
    .option("--json", "machine-readable output");
}

/** A request command: its flags are the form's, and what they parse to is the form's body. */
export function formCommand(
  ctx: CliContext,
  kind: keyof typeof requestForms,
  form: FormOutline,
  description: string,
): Command {
  const cmd = new Command(kind).description(description);
  const attributes = new Map<string, string>();
  for (const flag of cliFlags(form)) {
    const option = new Option(`--${flag.name}${flag.value ? ` ${flag.value}` : ""}`, flag.description);
    if (flag.required) option.makeOptionMandatory();
    if (flag.repeatable) option.argParser(collect);
    if (flag.choices) option.choices(flag.choices);
    cmd.addOption(option);
    attributes.set(flag.name, option.attributeName());
  }
  return withRunOptions(cmd).action(async (o: Record<string, unknown>) => {
    const read = bodyFromFlags(form, (name) => o[attributes.get(name) ?? name], { actor: ctx.actor });
    if (!read.ok)
      throw new CliError(read.message, exitCodes.invalid, [{ field: read.field, message: read.message }]);
    await submitAndReport(ctx, kind, read.body, o);
  });
}

/** What `lifecycle onboard --help` says after the flags: how a username is made when none is given. */
export function usernameHelp(): string {
  const rules = usernameRules.map((rule) => wrapped(rule, 100, "  - ", "    ")).join("\n");
  return `\nUsernames (when --username is not given; --dry-run says which rule made the one planned):\n${rules}`;
}

export function onboardCommand(ctx: CliContext): Command {
  return formCommand(
    ctx,
    "onboard",
    requestForms.onboard,
    "onboard a new hire: one request, every step planned and run",
  ).addHelpText("after", usernameHelp());
}

export function offboardCommand(ctx: CliContext): Command {
  return formCommand(
    ctx,
    "offboard",
    requestForms.offboard,
    "offboard a leaver: lock out at once, hand over, remove access, verify none remains",
  );
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
      const findings = sub.findings ?? [];
      ctx.out(
        o.json
          ? JSON.stringify(
              { dryRun: true, planHash: sub.planHash, plan: sub.plan, request: sub.request, findings },
              null,
              2,
            )
          : [
              startText(sub.request) && `starts ${startText(sub.request)}`,
              renderPlan(sub.plan, sub.planHash),
              renderFindings(findings),
            ]
              .filter(Boolean)
              .join("\n\n"),
      );
      // A dry run a real submission would refuse fails too: a script checking a request learns it here.
      if (findings.some((f) => f.severity === "error")) ctx.setExitCode(exitCodes.invalid);
      return;
    }
    // Warnings go where a person reads them, not into the output a script parses.
    const warnings = (sub.findings ?? []).filter((f) => f.severity !== "info");
    if (warnings.length && !o.json) ctx.err(renderFindings(warnings));
    if (!o.wait) {
      ctx.out(
        o.json
          ? JSON.stringify(
              { runId: sub.runId, status: sub.status, planHash: sub.planHash, findings: sub.findings ?? [] },
              null,
              2,
            )
          : `run ${sub.runId} is ${sub.status}${sub.status === "scheduled" ? `: it starts ${startText(sub.request)}` : ""}\nfollow it: lifecycle runs show ${sub.runId} --wait`,
      );
      return;
    }
    const zone = sub.request.timeZone;
    const status = await waitForRun(ctx, api, sub.runId, Boolean(o.json), zone);
    const run = await api.getRun(sub.runId);
    ctx.out(o.json ? JSON.stringify(runJson(run), null, 2) : `\n${renderRun(run, zone)}`);
    if (status === "failed" || status === "cancelled") ctx.setExitCode(exitCodes.runFailed);
  } finally {
    await api.close();
  }
}

/** Prints the run's events as they happen (on `zone`'s clock, named once) and resolves with its final status. */
export async function waitForRun(
  ctx: CliContext,
  api: LifecycleApi,
  runId: string,
  quiet: boolean,
  zone = "UTC",
): Promise<RunStatus> {
  if (!quiet) ctx.err(`following run ${runId} (times in ${zoneName(zone)})`);
  return new Promise<RunStatus>((resolve, reject) => {
    let stop: (() => Promise<void>) | undefined;
    let final: RunStatus | undefined;
    api
      .follow(runId, (e) => {
        if (!quiet) ctx.err(renderEvent(e, zone));
        if (e.type === "approval.requested" && !quiet)
          ctx.err(
            `  approved through the link mailed to each approver, or by one signed in: lifecycle approve ${runId} --plan-hash <hash>`,
          );
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
