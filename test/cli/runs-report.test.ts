import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { LifecycleApi } from "../../src/cli/api.ts";
import { directApi } from "../../src/cli/direct-api.ts";
import { httpApi } from "../../src/cli/http-api.ts";
import type { CliContext } from "../../src/cli/commands/context.ts";
import { runCli } from "../../src/cli/program.ts";
import { exitCodes } from "../../src/cli/api.ts";
import { createRun } from "../../src/engine/runs.ts";
import { signedInServer } from "../support/signed-in.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { seedClient } from "../support/engine-helpers.ts";
import { pageCount, pdfText } from "../evidence/pdf-text.ts";

let store: Store;
let runId: string;
let dir: string;
let server: Awaited<ReturnType<typeof signedInServer>>;
let serverUrl: string;

before(async () => {
  store = await openStore({});
  await seedClient(store, "acme");
  ({ runId } = await createRun(store, {
    clientId: "acme",
    kind: "offboard",
    subject: "leaver@acme.example.com",
    requester: "hr@acme.example.com",
    ticket: "T-77",
    request: { user: "leaver@acme.example.com" },
    startAt: new Date(),
    plan: {
      actions: [
        {
          key: "revoke-sessions",
          type: "identity.revoke-sessions",
          title: "Revoke sign-in sessions",
          params: { upn: "leaver@acme.example.com" },
          deps: [],
          required: true,
          tenant: "acme",
          api: "graph",
        },
      ],
      workflow: { id: "builtin:offboard", version: 1 },
    },
  }));
  dir = mkdtempSync(join(tmpdir(), "lifecycle-report-"));
  server = await signedInServer({ store });
  serverUrl = await server.listen({ port: 0, host: "127.0.0.1" });
});

after(async () => {
  await server?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(api: () => LifecycleApi, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    env: {},
    actor: "tech@msp.example",
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    setExitCode: () => undefined,
    connect: async () => api(),
  };
  const code = await runCli(argv, ctx);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

// The store stays open across commands; closing the API must not close it.
const direct = () => ({ ...directApi(store), close: async () => undefined });
const overHttp = () => httpApi(serverUrl, server.token);

for (const [name, api] of [
  ["in-process", direct],
  ["over HTTP", overHttp],
] as const) {
  test(`runs report prints the JSON report by default (${name})`, async () => {
    const r = await cli(api, "runs", "report", runId);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out) as {
      reportVersion: number;
      run: { id: string };
      request: { ticket: string };
    };
    assert.equal(report.reportVersion, 1);
    assert.equal(report.run.id, runId);
    assert.equal(report.request.ticket, "T-77");
  });

  test(`runs report --format html prints the page, --out writes it to the file (${name})`, async () => {
    const r = await cli(api, "runs", "report", runId, "--format", "html");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^<!doctype html>/);
    assert.ok(r.out.includes("builtin:offboard@1"));

    const file = join(dir, `${name}.html`);
    const w = await cli(api, "runs", "report", runId, "--format", "html", "--out", file);
    assert.equal(w.code, 0, w.err);
    assert.equal(w.out, `wrote the html report of run ${runId} to ${file}`);
    assert.match(readFileSync(file, "utf8"), /^<!doctype html>/);
  });

  test(`runs report --format pdf writes the PDF to --out (${name})`, async () => {
    const file = join(dir, `${name}.pdf`);
    const r = await cli(api, "runs", "report", runId, "--format", "pdf", "--out", file);
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.endsWith(file), r.out);
    const pdf = readFileSync(file);
    assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
    assert.ok(pdfText(pdf).includes(`Page 1 of ${pageCount(pdf)}`));
  });

  test(`runs report of an unknown run exits "not found" and writes nothing (${name})`, async () => {
    const missing = randomUUID();
    const r = await cli(api, "runs", "report", missing, "--format", "pdf", "--out", join(dir, "missing.pdf"));
    assert.equal(r.code, exitCodes.notFound, r.err);
    assert.match(r.err, new RegExp(`no run ${missing}`));
    assert.throws(() => readFileSync(join(dir, "missing.pdf")));
  });
}

test("runs report --format pdf without --out writes <run id>.pdf in the current folder and says where", async () => {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const r = await cli(direct, "runs", "report", runId, "--format", "pdf");
    assert.equal(r.code, 0, r.err);
    const file = join(dir, `${runId}.pdf`);
    assert.equal(r.out, `wrote the pdf report of run ${runId} to ${file}`);
    assert.equal(readFileSync(file).subarray(0, 5).toString("latin1"), "%PDF-");
  } finally {
    process.chdir(cwd);
  }
});

test("runs report refuses a format it does not know", async () => {
  const r = await cli(direct, "runs", "report", runId, "--format", "docx");
  assert.equal(r.code, exitCodes.invalid);
  assert.match(r.err, /json, html, pdf/);
});
