/**
 * `npm run fuzz`: every API operation that takes input, from the server's own OpenAPI document, gets
 * FUZZ_RUNS generated requests (default 10,000) on an embedded store. Prints what was tried and what came
 * back, and exits non-zero on any 5xx, any error outside the envelope, or any row a refused request wrote.
 * FUZZ_SEED repeats a run; FUZZ_ONLY narrows it to operations whose id contains the text.
 */
import { fuzzOperations } from "../test/support/fuzz/operations.ts";
import { describeRequest, fuzzOperation, summary, type OperationReport } from "../test/support/fuzz/run.ts";
import { fuzzTarget } from "../test/support/fuzz/target.ts";

const runs = Number(process.env.FUZZ_RUNS ?? 10_000);
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const only = process.env.FUZZ_ONLY;

const begun = Date.now();
const target = await fuzzTarget();
const { operations, uncovered } = fuzzOperations(target.doc, target.pools, target.bodies);
console.log(`seed ${seed}, ${runs} inputs per operation`);
const reports: OperationReport[] = [];
for (const op of operations) {
  if (only && !op.id.includes(only)) continue;
  const started = Date.now();
  const report = await fuzzOperation(target, op, runs, seed);
  reports.push(report);
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `${summary([report]).split("\n")[0]}  ${seconds.toFixed(1)} s (${Math.round(runs / seconds)}/s)`,
  );
  for (const e of report.serverErrors)
    console.log(`  5xx ${e.status} ${e.body}\n    ${describeRequest(e.request)}`);
  for (const e of report.offEnvelope)
    console.log(`  off-envelope ${e.status} ${e.body}\n    ${describeRequest(e.request)}`);
  for (const e of report.rejectedThatWrote)
    console.log(`  ${e.status} wrote ${e.rows} rows\n    ${describeRequest(e.request)}`);
}
console.log(`${summary(reports).split("\n").at(-1)}, in ${((Date.now() - begun) / 1000).toFixed(0)} s`);
for (const u of uncovered) console.log(`not fuzzed: ${u}`);
await target.close();
const bad = reports.some((r) => r.serverErrorCount || r.offEnvelopeCount || r.rowsWrittenByRejected);
process.exitCode = bad || uncovered.length ? 1 : 0;
