import { readFile } from "node:fs/promises";
import { Command } from "commander";
import type { BatchView } from "../../composition/bulk.ts";
import { CliError, exitCodes, type LifecycleApi } from "../api.ts";
import type { CliContext } from "./context.ts";

/** "3,7" → [3, 7]; anything but line numbers is refused before a file is read. */
function lines(value: string): number[] {
  const parts = value.split(",").map((s) => s.trim());
  if (!parts.every((p) => /^\d+$/.test(p)))
    throw new CliError(
      `--exclude takes line numbers separated by commas, such as 3,7 (got "${value}")`,
      exitCodes.invalid,
    );
  return parts.map(Number);
}

/** One line per row: its line, who, and its errors or its run. */
export function renderBatch(batch: BatchView): string {
  const out = [
    `batch ${batch.batchId} (${batch.kind}, client ${batch.client}): ${batch.state}, ${batch.counts.rows} rows, ${batch.counts.withErrors} with errors, ${batch.counts.runs} runs`,
  ];
  for (const row of batch.rows) {
    const who = [row.summary.name, row.summary.upn].filter(Boolean).join(" ") || "?";
    const state = row.runId
      ? `run ${row.runId} ${row.status ?? ""}`.trimEnd()
      : row.excluded
        ? "left out"
        : row.ok
          ? "ok"
          : "errors";
    out.push(`  line ${row.line}: ${who}: ${state}`);
    for (const e of row.errors) out.push(`    ${e.field}: ${e.message}`);
  }
  if (batch.planHash) out.push(`plan hash ${batch.planHash}`);
  return out.join("\n");
}

async function withApi<T>(ctx: CliContext, fn: (api: LifecycleApi) => Promise<T>): Promise<T> {
  const api = await ctx.connect({ worker: false });
  try {
    return await fn(api);
  } finally {
    await api.close();
  }
}

const show = (ctx: CliContext, batch: BatchView, json: boolean) =>
  ctx.out(json ? JSON.stringify(batch, null, 2) : renderBatch(batch));

/** `lifecycle bulk onboard|offboard --client X file.csv [--exclude 3,7] [--submit]`, and the batch's verbs. */
export function bulkCommand(ctx: CliContext): Command {
  const cmd = new Command("bulk").description("onboard or offboard many people from a CSV file");
  for (const kind of ["onboard", "offboard"] as const) {
    cmd
      .command(kind)
      .description(
        `upload a CSV of ${kind === "onboard" ? "onboardings" : "offboardings"}: the header names the form's fields (keys or labels), one request per row; nothing runs without --submit`,
      )
      .requiredOption("--client <id>", "the client the file is for")
      .option("--exclude <lines>", "with --submit: leave out these lines of the file (comma-separated)")
      .option("--submit", "submit the batch when no row left in has an error")
      .option("--json", "machine-readable output")
      .argument("<file>", "the CSV file")
      .action(
        async (file: string, o: { client: string; exclude?: string; submit?: boolean; json?: boolean }) => {
          const exclude = o.exclude ? lines(o.exclude) : [];
          let csv: string;
          try {
            csv = await readFile(file, "utf8");
          } catch (err) {
            throw new CliError(`cannot read ${file}: ${(err as Error).message}`, exitCodes.invalid);
          }
          await withApi(ctx, async (api) => {
            const batch = await api.bulkUpload(kind, o.client, csv);
            if (!o.submit) {
              show(ctx, batch, Boolean(o.json));
              if (batch.counts.withErrors) ctx.setExitCode(exitCodes.invalid);
              return;
            }
            if (!o.json) ctx.err(renderBatch(batch));
            show(ctx, await api.bulkSubmit(batch.batchId, exclude), Boolean(o.json));
          });
        },
      );
  }
  cmd
    .command("show")
    .description("a batch's rows and, once submitted, each row's run and its status")
    .argument("<batch>", "the batch id")
    .option("--json", "machine-readable output")
    .action(async (batchId: string, o: { json?: boolean }) =>
      withApi(ctx, async (api) => show(ctx, await api.bulkBatch(batchId), Boolean(o.json))),
    );
  cmd
    .command("submit")
    .description("submit an uploaded batch: a run per row not left out (again: only the missing runs)")
    .argument("<batch>", "the batch id")
    .option("--exclude <lines>", "leave out these lines of the file (comma-separated)")
    .option("--json", "machine-readable output")
    .action(async (batchId: string, o: { exclude?: string; json?: boolean }) =>
      withApi(ctx, async (api) =>
        show(ctx, await api.bulkSubmit(batchId, o.exclude ? lines(o.exclude) : []), Boolean(o.json)),
      ),
    );
  cmd
    .command("approve")
    .description("approve every run of a submitted batch that waits for approval, at once")
    .argument("<batch>", "the batch id")
    .requiredOption("--plan-hash <hash>", "the batch's plan hash, as bulk show printed it")
    .option("--note <text>", "a note for each run's timeline")
    .option("--json", "machine-readable output")
    .action(async (batchId: string, o: { planHash: string; note?: string; json?: boolean }) =>
      withApi(ctx, async (api) =>
        show(ctx, await api.bulkApprove(batchId, o.planHash, o.note), Boolean(o.json)),
      ),
    );
  cmd
    .command("reject")
    .description("reject every run of a submitted batch that still waits for approval, at once")
    .argument("<batch>", "the batch id")
    .option("--note <text>", "why, for each run's timeline")
    .option("--json", "machine-readable output")
    .action(async (batchId: string, o: { note?: string; json?: boolean }) =>
      withApi(ctx, async (api) => show(ctx, await api.bulkReject(batchId, o.note), Boolean(o.json))),
    );
  return cmd;
}
