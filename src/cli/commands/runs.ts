import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { runStatuses } from "../../domain/run-status.ts";
import { reportFormats, type ReportFormat } from "../../evidence/index.ts";
import type { RunDetail } from "../../engine/read.ts";
import type { LifecycleApi } from "../api.ts";
import { renderRun, renderRuns, runJson, runRowJson, zonedTime } from "../render.ts";
import type { CliContext } from "./context.ts";
import { waitForRun } from "./requests.ts";

/** Each client's time zone by id; a client this connection cannot read shows its times in UTC. */
async function clientZones(api: LifecycleApi): Promise<(clientId: string) => string> {
  const zones = new Map((await api.listClients().catch(() => [])).map((c) => [c.id, c.timeZone]));
  return (id) => zones.get(id) ?? "UTC";
}

/** The time zone of one client, or UTC when it cannot be read: times are still shown, with UTC named. */
export async function clientZone(api: LifecycleApi, clientId: string): Promise<string> {
  return api.getClient(clientId).then(
    (c) => c.timeZone,
    () => "UTC",
  );
}

/**
 * The run once the engine has taken a decision up: an approval is a signal a worker acts on, so the run
 * answered right after it still says awaiting-approval. Waits up to `ms` for it to move on.
 */
async function settled(api: LifecycleApi, run: RunDetail, ms: number): Promise<RunDetail> {
  const deadline = Date.now() + ms;
  let now = run;
  while (now.status === "awaiting-approval" && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    now = await api.getRun(run.id);
  }
  return now;
}

/** What a decision led to, in words: the status the run is in now, and when it starts if it waits for that. */
async function decided(api: LifecycleApi, verb: string, run: RunDetail): Promise<string> {
  if (run.status === "awaiting-approval")
    return `${verb}; run ${run.id} is still awaiting-approval: it goes on when a worker takes the decision up (lifecycle start, or lifecycle worker)`;
  const starts =
    run.status === "scheduled"
      ? ` (starts ${zonedTime(run.startAt, await clientZone(api, run.clientId))})`
      : "";
  return `${verb}; run ${run.id} is now ${run.status}${starts}`;
}

/** How long approve and reject wait for a worker to take the decision up before answering. */
const defaultSettleMs = 5000;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500)
    throw new InvalidArgumentError("must be a whole number from 1 to 500");
  return n;
}

export function runsCommand(ctx: CliContext): Command {
  const runs = new Command("runs").description("list, show, cancel and retry runs");
  runs
    .command("list")
    .option("--client <id>")
    .addOption(new Option("--status <status>").choices([...runStatuses]))
    .option("--limit <n>", "at most this many (1-500)", positiveInt, 50)
    .option("--json")
    .action(async (o: { client?: string; status?: string; limit: number; json?: boolean }) => {
      const api = await ctx.connect({ worker: false });
      try {
        const list = await api.listRuns({ clientId: o.client, status: o.status, limit: o.limit });
        ctx.out(
          o.json ? JSON.stringify(list.map(runRowJson), null, 2) : renderRuns(list, await clientZones(api)),
        );
      } finally {
        await api.close();
      }
    });
  runs
    .command("show <runId>")
    .option("--json")
    .option("--wait", "follow the run live until it finishes")
    .action(async (runId: string, o: { json?: boolean; wait?: boolean }) => {
      const api = await ctx.connect({ worker: Boolean(o.wait) });
      try {
        const first = await api.getRun(runId);
        const zone = await clientZone(api, first.clientId);
        if (o.wait) await waitForRun(ctx, api, runId, Boolean(o.json), zone);
        const run = o.wait ? await api.getRun(runId) : first;
        ctx.out(
          o.json ? JSON.stringify({ ...runJson(run), events: run.events }, null, 2) : renderRun(run, zone),
        );
      } finally {
        await api.close();
      }
    });
  runs
    .command("cancel <runId>")
    .option("--reason <text>")
    .option("--json")
    .action(async (runId: string, o: { reason?: string; json?: boolean }) => {
      const api = await ctx.connect({ worker: false });
      try {
        const run = await api.cancel(runId, ctx.actor, o.reason);
        ctx.out(o.json ? JSON.stringify(runJson(run), null, 2) : `run ${runId} is ${run.status}`);
      } finally {
        await api.close();
      }
    });
  runs
    .command("retry <runId>")
    .description("re-run the failed steps (and the steps they blocked); succeeded steps never run again")
    .option("--wait")
    .option("--json")
    .action(async (runId: string, o: { wait?: boolean; json?: boolean }) => {
      const api = await ctx.connect({ worker: Boolean(o.wait) });
      try {
        let run = await api.retry(runId, ctx.actor);
        const zone = await clientZone(api, run.clientId);
        if (o.wait) {
          await waitForRun(ctx, api, runId, Boolean(o.json), zone);
          run = await api.getRun(runId);
        }
        ctx.out(o.json ? JSON.stringify(runJson(run), null, 2) : renderRun(run, zone));
      } finally {
        await api.close();
      }
    });
  runs
    .command("report <runId>")
    .description(
      "the run's evidence report: JSON or an HTML page on stdout (or --out), a PDF to --out or <run id>.pdf here",
    )
    .addOption(
      new Option("--format <format>", "json, html or pdf").choices([...reportFormats]).default("json"),
    )
    .option("--out <file>", "write it to this file instead")
    .action(async (runId: string, o: { format: ReportFormat; out?: string }) => {
      const api = await ctx.connect({ worker: false });
      try {
        const report = await api.runReport(runId, o.format);
        // A PDF is never poured onto a terminal: without --out it goes to <run id>.pdf in this folder.
        const out = o.out ?? (o.format === "pdf" ? `${runId}.pdf` : undefined);
        if (out === undefined) return ctx.out(report.toString("utf8").trimEnd());
        const path = resolve(out);
        writeFileSync(path, report);
        ctx.out(`wrote the ${o.format} report of run ${runId} to ${path}`);
      } finally {
        await api.close();
      }
    });
  return runs;
}

export function approvalCommands(ctx: CliContext): Command[] {
  const settleMs = ctx.settleMs ?? defaultSettleMs;
  const approve = new Command("approve")
    .argument("<runId>")
    .description(
      "approve a run awaiting approval, as the signed-in staff member the client's policy names (never the requester)",
    )
    .requiredOption(
      "--plan-hash <hash>",
      "the plan hash you reviewed (lifecycle runs show <run>); refused when the plan is no longer this one",
    )
    .option("--note <text>")
    .option("--json")
    .action(async (runId: string, o: { planHash: string; note?: string; json?: boolean }) => {
      const api = await ctx.connect({ worker: false });
      try {
        const run = await settled(api, await api.approve(runId, o.planHash, o.note), settleMs);
        ctx.out(o.json ? JSON.stringify(runJson(run), null, 2) : await decided(api, "approved", run));
      } finally {
        await api.close();
      }
    });
  const reject = new Command("reject")
    .argument("<runId>")
    .option("--note <text>")
    .option("--json")
    .action(async (runId: string, o: { note?: string; json?: boolean }) => {
      const api = await ctx.connect({ worker: false });
      try {
        const run = await settled(api, await api.reject(runId, o.note), settleMs);
        ctx.out(o.json ? JSON.stringify(runJson(run), null, 2) : await decided(api, "rejected", run));
      } finally {
        await api.close();
      }
    });
  return [approve, reject];
}
