// `npm run bench`: the speed and memory figures, as a table and as bench/results.json (stable names).
// BENCH_ONLY=lockoutUnderBulk (a comma-separated list of the sections below) runs only those, and merges
// their figures into the results.json already there.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { openStore } from "../src/store/open.ts";
import { auditBench } from "./audit.ts";
import { engineOverhead, throughput, withPostgresDatabase } from "./engine.ts";
import { startMemory } from "./memory.ts";
import { lockoutUnderBulk } from "./lockout-bulk.ts";
import { microsoftBench } from "./microsoft.ts";
import { fullRunBench } from "./full-run.ts";
import { stackCalls } from "./stacks.ts";
import { webBench } from "./web.ts";

const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",")) : undefined;
const wanted = (section: string) => !only || only.has(section);
const results: Record<string, number | string> = {};
const rows: [string, string, string][] = [];
const record = (name: string, value: number, unit: string, target = "") => {
  results[name] = Math.round(value * 100) / 100;
  rows.push([name, `${value.toFixed(2)} ${unit}`, target]);
};

if (wanted("engine")) {
  const store = await openStore({});
  const o = await engineOverhead(store);
  await store.close();
  record("engine.overheadMs.pglite.p50", o.p50, "ms", "< 2 ms");
  record("engine.overheadMs.pglite.p95", o.p95, "ms");
}
if (wanted("audit")) {
  const store = await openStore({});
  const a = await auditBench(store);
  await store.close();
  record("audit.appendMs.pglite.p50", a.appendP50, "ms");
  record("audit.appendMs.pglite.p95", a.appendP95, "ms");
  record("audit.verifyMs.pglite.per1000Rows", a.verifyPer1000, "ms");
}
const pgDone =
  !wanted("postgres") ||
  (await withPostgresDatabase(async (url) => {
    const store = await openStore({ databaseUrl: url });
    const o = await engineOverhead(store);
    await store.close();
    record("engine.overheadMs.postgres.p50", o.p50, "ms", "< 2 ms");
    record("engine.overheadMs.postgres.p95", o.p95, "ms");
    for (const n of [1, 2]) {
      const t = await throughput(url, n);
      record(`engine.stepsPerSecond.postgres.${n}worker${n > 1 ? "s" : ""}`, t.stepsPerSecond, "steps/s");
    }
    return true;
  }));
if (!pgDone) results["postgres"] = "skipped: no PostgreSQL at LIFECYCLE_TEST_PG_URL or 127.0.0.1:5432";

// A figure's unit from its name: a segment ending in Ms (or Ms followed by a qualifier) is milliseconds,
// one ending in Calls is a count of calls, anything else a ratio.
const unitOf = (name: string) => {
  const segments = name.split(".").slice(1);
  if (segments.some((s) => /Ms($|[A-Z])/.test(s))) return "ms";
  if (segments.some((s) => /Calls($|[A-Z])/.test(s))) return "calls";
  return "x";
};
const targets: Record<string, string> = {
  "onboarding.ratioToCriticalPath": "<= 1.10",
  "onboarding.fullRunWallMs": "<= 60000 ms",
  "lockout.p95Ms": "< 1500 ms",
  "lockout.underBulkP95Ms": "< 1500 ms",
};
const targetOf = (name: string) => targets[name] ?? "";

if (wanted("microsoft") && process.env.BENCH_SKIP_MICROSOFT !== "1") {
  const ms = await microsoftBench(Number(process.env.BENCH_OFFBOARDINGS ?? 50));
  for (const [name, value] of Object.entries(ms)) record(name, value, unitOf(name), targetOf(name));
}
// Every vendor's calls per onboarding and offboarding on each of the demo's three stacks (stacks.ts).
if (wanted("stacks") && process.env.BENCH_SKIP_STACKS !== "1") {
  for (const [name, value] of Object.entries(await stackCalls())) record(name, value, unitOf(name));
}
// The Acme onboarding with every system on the realistic profile, against its critical-path bound.
if (wanted("fullRun") && process.env.BENCH_SKIP_FULL_RUN !== "1") {
  for (const [name, value] of Object.entries(await fullRunBench()))
    record(name, value, unitOf(name), targetOf(name));
}

// The console's weight on the wire and its liveness: a browser on the demo, so skippable where none is.
if (wanted("web") && process.env.BENCH_SKIP_WEB !== "1") {
  const webTargets: Record<string, string> = {
    "web.consoleInitialJsGzipKB": "< 200 KB",
    "web.formInitialJsGzipKB": "< 80 KB",
  };
  for (const [name, value] of Object.entries(await webBench()))
    record(name, value, name.endsWith("KB") ? "KB" : "ms", webTargets[name] ?? "");
}

// BENCH_BULK_OFFBOARDINGS=0 skips it; BENCH_BULK_ONBOARDINGS shortens the bulk beside them.
const bulkOffboardings = Number(process.env.BENCH_BULK_OFFBOARDINGS ?? 20);
if (wanted("lockoutUnderBulk") && bulkOffboardings > 0) {
  const bulk = await lockoutUnderBulk(bulkOffboardings, Number(process.env.BENCH_BULK_ONBOARDINGS ?? 100));
  for (const [name, value] of Object.entries(bulk))
    record(name, value, name.endsWith("Steps") ? "steps" : unitOf(name), targetOf(name));
}

if (wanted("memory")) {
  const mem = await startMemory();
  record("start.rssMb.idle", mem.idleMb, "MB", "< 300 MB");
  record("start.rssMb.with1000WaitingRuns", mem.with1000WaitingMb, "MB");
  record("start.firstStartMs", mem.firstStartMs, "ms");
}

const width = Math.max(...rows.map((r) => r[0].length));
console.log(`${"benchmark".padEnd(width)}  ${"result".padStart(16)}  target`);
for (const [name, value, target] of rows)
  console.log(`${name.padEnd(width)}  ${value.padStart(16)}  ${target}`);
if (!pgDone) console.log(results["postgres"]);
const resultsFile = new URL("./results.json", import.meta.url);
const earlier =
  only && existsSync(resultsFile)
    ? (JSON.parse(readFileSync(resultsFile, "utf8")) as { results?: Record<string, number | string> }).results
    : undefined;
writeFileSync(
  resultsFile,
  `${JSON.stringify({ at: new Date().toISOString(), node: process.version, results: { ...earlier, ...results } }, null, 2)}\n`,
);
console.log("wrote bench/results.json");
