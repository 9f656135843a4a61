import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { Command } from "commander";
import { rekeyAudit } from "../../store/audit.ts";
import { anchorAudit, type AnchorLog } from "../../store/audit/anchor.ts";
import { parseCheckpoint } from "../../store/audit/checkpoint.ts";
import type { AuditReport } from "../../store/audit/verify.ts";
import type { Store } from "../../store/sql.ts";
import { CliError, exitCodes } from "../api.ts";
import type { CliContext } from "./context.ts";

export function renderAuditReport(r: AuditReport): string {
  const lines = [
    `audit log: ${r.entries} ${r.entries === 1 ? "entry" : "entries"}` +
      (r.head ? `, head row ${r.head.id} (${r.head.hash.slice(0, 12)})` : ""),
  ];
  for (const c of r.checkpoints) lines.push(`checked against ${c.source}: row ${c.id} as of ${c.at}`);
  if (!r.checkpoints.length)
    lines.push("no checkpoint to check against: a log cut short at its end would not show");
  if (r.ok) lines.push("every entry holds");
  else {
    lines.push(`${r.problems.length} ${r.problems.length === 1 ? "problem" : "problems"}:`);
    for (const p of r.problems) lines.push(`  ${p.kind}: ${p.message}`);
  }
  return lines.join("\n");
}

function readCheckpoint(file: string) {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`, exitCodes.invalid);
  }
  try {
    return parseCheckpoint(text, file);
  } catch (err) {
    throw new CliError((err as Error).message, exitCodes.invalid);
  }
}

export function auditCommand(ctx: CliContext): Command {
  const audit = new Command("audit").description("the tamper-evident audit log");
  audit
    .command("verify")
    .description(
      "re-compute the audit chain and name every entry that does not hold, and a log cut short at its end",
    )
    .option("--checkpoint <file>", "also check against a checkpoint exported earlier")
    .option("--json")
    .action(async (o: { checkpoint?: string; json?: boolean }) => {
      const checkpoint = o.checkpoint ? readCheckpoint(o.checkpoint) : undefined;
      const api = await ctx.connect({ worker: false });
      try {
        const report = await api.verifyAudit(checkpoint);
        ctx.out(o.json ? JSON.stringify(report, null, 2) : renderAuditReport(report));
        if (!report.ok) ctx.setExitCode(exitCodes.verificationFailed);
      } finally {
        await api.close();
      }
    });
  audit
    .command("checkpoint")
    .description("print (or write) a signed checkpoint of the log's head, to keep away from the database")
    .option("--out <file>", "write it to this file (mode 0600) instead of printing it")
    .action(async (o: { out?: string }) => {
      const api = await ctx.connect({ worker: false });
      try {
        const checkpoint = await api.auditCheckpoint();
        const text = JSON.stringify(checkpoint, null, 2);
        if (!o.out) return ctx.out(text);
        writeFileSync(o.out, `${text}\n`, { mode: 0o600 });
        chmodSync(o.out, 0o600);
        ctx.out(`checkpoint of row ${checkpoint.id} written to ${o.out}`);
      } finally {
        await api.close();
      }
    });
  return audit;
}

const shown = 5;

/**
 * At server start: key a chain still unkeyed, verify the log against the kept checkpoint and say what
 * was found (a broken log is reported, not a reason to stay down: the product's other work goes on, and
 * the evidence stays as it is), then anchor each new head. Returns the anchor's stop.
 */
export async function auditAtStart(
  ctx: CliContext,
  store: Store,
  opts: { file: string; log: AnchorLog & { warn(fields: Record<string, unknown>, message: string): void } },
): Promise<() => Promise<void>> {
  try {
    await store.tx((sql) => rekeyAudit(sql));
    const { report, stop } = await anchorAudit(store, opts);
    const head = report.head ? `, head row ${report.head.id} (${report.head.hash.slice(0, 12)})` : "";
    if (report.ok) {
      ctx.err(`audit log verified: ${report.entries} entries${head}`);
      opts.log.info({ audit: { entries: report.entries, head: report.head } }, "audit log verified");
    } else {
      const n = report.problems.length;
      ctx.err(`audit log: ${n} ${n === 1 ? "problem" : "problems"} in ${report.entries} entries${head}:`);
      for (const p of report.problems.slice(0, shown)) ctx.err(`  ${p.kind}: ${p.message}`);
      if (report.problems.length > shown) ctx.err(`  … and ${report.problems.length - shown} more`);
      ctx.err("  `lifecycle audit verify` names every one");
      opts.log.warn({ audit: report }, "audit log does not verify");
    }
    return stop;
  } catch (err) {
    ctx.err(`audit log not verified: ${(err as Error).message}`);
    opts.log.error({ err }, "audit log not verified");
    return async () => undefined;
  }
}
