import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { directApi } from "../../src/cli/direct-api.ts";
import type { CliContext } from "../../src/cli/commands/context.ts";
import { runCli } from "../../src/cli/program.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { testClientConfig } from "../support/engine-helpers.ts";

let store: Store;
const dir = mkdtempSync(join(tmpdir(), "lifecycle-bulk-"));

before(async () => {
  store = await openStore({});
  await upsertClient(store, testClientConfig("acme"));
});
after(async () => store.close());

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  let exit = 0;
  const ctx: CliContext = {
    env: {},
    actor: "tech@msp.example",
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    setExitCode: (c) => (exit = c),
    connect: async () => ({ ...directApi(store), close: async () => undefined }),
  };
  const code = await runCli(argv, ctx);
  return { code: code || exit, out: out.join("\n"), err: err.join("\n") };
}

const runs = async () => (await store.query<{ n: number }>("select count(*)::int as n from runs"))[0]!.n;

test("lifecycle bulk onboard: a bad row is shown with its line and field, --submit refuses it, --exclude leaves it out", async () => {
  const file = join(dir, "starters.csv");
  writeFileSync(file, "firstName,lastName,start\nCli,One,now\nCli,,now\nCli,Three,now\n");
  const shown = await cli("bulk", "onboard", "--client", "acme", file);
  assert.equal(shown.code, 2, shown.err);
  assert.match(shown.out, /line 3: Cli: errors\n {4}lastName: is required/);
  const before = await runs();

  const refused = await cli("bulk", "onboard", "--client", "acme", file, "--submit");
  assert.equal(refused.code, 2);
  assert.match(refused.err, /lines\.3\.lastName: line 3, lastName: is required/);
  assert.equal(await runs(), before);

  const sent = await cli("bulk", "onboard", "--client", "acme", file, "--submit", "--exclude", "3", "--json");
  assert.equal(sent.code, 0, sent.err);
  const batch = JSON.parse(sent.out) as { batchId: string; state: string; counts: { runs: number } };
  assert.equal(batch.state, "submitted");
  assert.equal(batch.counts.runs, 2);
  assert.equal(await runs(), before + 2);

  const again = await cli("bulk", "submit", batch.batchId, "--exclude", "3");
  assert.equal(again.code, 0, again.err);
  assert.equal(await runs(), before + 2, "submitting again makes no second run");
  const listed = await cli("bulk", "show", batch.batchId);
  assert.match(listed.out, /line 3: Cli: left out/);
  assert.equal((await cli("bulk", "submit", batch.batchId, "--exclude", "x")).code, 2);
});
