import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import fc from "fast-check";
import { fromSchema } from "../support/fuzz/json-schema-arbitrary.ts";
import { fuzzOperations, type FuzzOperation } from "../support/fuzz/operations.ts";
import {
  describeRequest,
  fuzzOperation,
  RowProbe,
  summary,
  type OperationReport,
} from "../support/fuzz/run.ts";
import { fuzzTarget, type FuzzTarget } from "../support/fuzz/target.ts";

/**
 * Every operation of the OpenAPI document that takes input gets FUZZ_RUNS requests (1,000 in the suite,
 * with the check that each operation's valid input gets through; `npm run fuzz` sends 10,000): valid-shaped from its schemas and the seeded state, mutated, and arbitrary. None
 * may answer 5xx, answer an error outside the envelope, or write a row while refusing. The operations come
 * from the document, so a route added later is fuzzed without a line here, or fails the first test.
 */
const runs = Number(process.env.FUZZ_RUNS ?? 1000);
const seed = Number(process.env.FUZZ_SEED ?? 20251202);

let target: FuzzTarget;
let operations: FuzzOperation[];
let uncovered: string[];
const reports: OperationReport[] = [];

before(async () => {
  target = await fuzzTarget();
  ({ operations, uncovered } = fuzzOperations(target.doc, target.pools, target.bodies));
});

after(async () => {
  if (reports.length) console.log(`seed ${seed}\n${summary(reports)}`);
  await target.close();
});

test("every operation that takes input can be fuzzed from the document", () => {
  assert.deepEqual(uncovered, [], "inputs the fuzzer cannot generate");
  const withInput = Object.entries(target.doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([, op]) => (op.parameters?.length ?? 0) > 0 || op.requestBody !== undefined)
      .map(([method]) => `${method.toUpperCase()} ${path}`),
  );
  assert.deepEqual(operations.map((o) => o.id).sort(), withInput.sort());
  assert.ok(operations.length >= 20, `only ${operations.length} operations found`);
});

test("a string's pattern is generated whole, past the length plain text is kept to", () => {
  // An audit checkpoint's hash: 64 digits, with no maxLength in the document.
  const hash = /^[0-9a-f]{64}$/;
  const resolve = (s: Record<string, unknown>) => s;
  const pools = new Map<string, unknown[]>();
  const values = fc.sample(fromSchema({ type: "string", pattern: hash.source }, { pools, resolve }), {
    numRuns: 50,
    seed,
  });
  assert.ok(
    values.every((v) => typeof v === "string" && hash.test(v)),
    JSON.stringify(values),
  );
  // Bounds no text of the pattern meets leave the pattern's text, rather than no value at all.
  const unmet = fromSchema({ type: "string", pattern: hash.source, maxLength: 10 }, { pools, resolve });
  assert.ok(fc.sample(unmet, { numRuns: 10, seed }).every((v) => typeof v === "string" && hash.test(v)));
});

test("the row probe sees a row inserted, updated or deleted, and nothing when only reads ran", async () => {
  const probe = new RowProbe(target.store);
  await probe.start();
  await target.store.query("select count(*) from runs");
  assert.equal(await probe.written(), 0);
  const writes = [
    `insert into tenant_limits (tenant, api, concurrency, rate_per_second, tokens)
     values ('probe', 'probe', 1, 1, 1)`,
    "update tenant_limits set tokens = 2 where tenant = 'probe'",
    "delete from tenant_limits where tenant = 'probe'",
  ];
  for (const write of writes) {
    await probe.refresh();
    await target.store.query(write);
    assert.equal(await probe.written(), 1, write);
  }
});

test(`each operation: ${runs} inputs, no 5xx, every error in the envelope, no row written while refusing`, async (t) => {
  for (const op of operations) {
    await t.test(op.id, async () => {
      const report = await fuzzOperation(target, op, runs, seed);
      reports.push(report);
      // The seed makes the same inputs; the state they meet is what the operations before this one left.
      const again = `seed ${seed}: FUZZ_SEED=${seed} FUZZ_RUNS=${runs} node --import tsx --test test/server/fuzz.test.ts`;
      const examples = (xs: { request: Parameters<typeof describeRequest>[0]; status: number }[]) =>
        xs.map((x) => `${x.status} ${describeRequest(x.request)}`).join("\n");
      assert.equal(report.tried, runs);
      assert.equal(report.serverErrorCount, 0, `${again}\n5xx answers:\n${examples(report.serverErrors)}`);
      assert.equal(
        report.offEnvelopeCount,
        0,
        `${again}\nerrors outside the envelope:\n${examples(report.offEnvelope)}`,
      );
      assert.equal(
        report.rowsWrittenByRejected,
        0,
        `${again}\nrefused but wrote:\n${examples(report.rejectedThatWrote)}`,
      );
      // A route whose valid input is a narrow combination (an overlay for the kind in its path) may take a
      // few hundred tries to get one through; short runs only check the answers.
      if (runs >= 1000)
        assert.ok(report.reached > 0, `${again}\nno input got past validation: ${summary([report])}`);
    });
  }
});
