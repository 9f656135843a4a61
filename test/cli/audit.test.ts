import assert from "node:assert/strict";
import { eventually } from "../support/eventually.ts";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { exitCodes } from "../../src/cli/api.ts";
import { startLifecycle } from "../../src/cli/commands/serve.ts";
import type { CliContext } from "../../src/cli/commands/context.ts";
import { runCli } from "../../src/cli/program.ts";
import { connect, openConfiguredStore } from "../../src/cli/runtime.ts";
import { appendAudit } from "../../src/store/audit.ts";
import { checkpointFileIn } from "../../src/store/audit/anchor.ts";
import type { AuditCheckpoint } from "../../src/store/audit/checkpoint.ts";
import type { Sql } from "../../src/store/sql.ts";

const credential = JSON.stringify({
  clientId: "c0ffee00-a0e1-4c1f-9e2d-5a6b7c8d9e0f",
  clientSecret: "s3cret",
});

describe("lifecycle audit, on an embedded data folder", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const context = (out: string[], err: string[]): CliContext => ({
    env,
    actor: "tech@msp.example",
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    setExitCode: () => undefined,
    connect: (o) => connect(env, o),
  });
  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, context(out, err));
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
  /** Opens the folder's store as the product does and does something to it, then closes it. */
  const withStore = async (fn: (sql: Sql) => Promise<unknown>) => {
    const opened = await openConfiguredStore(env);
    try {
      await opened.store.tx(fn);
    } finally {
      await opened.store.close();
      opened.release();
    }
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "lc-audit-cli-"));
    env = { LIFECYCLE_DATA_DIR: dir, LIFECYCLE_LOG: "0" };
    for (let n = 1; n <= 3; n++)
      await withStore((sql) => appendAudit(sql, { actor: "t", action: "x", subject: `s${n}` }));
  });
  after(() => rmSync(dir, { recursive: true }));

  test("verify says every entry holds and exits 0", async () => {
    const res = await cli("audit", "verify");
    assert.equal(res.code, 0, res.err);
    assert.match(res.out, /audit log: 3 entries, head row \d+/);
    assert.match(res.out, /every entry holds/);
    // The CLI was this folder's only process, so it left the head in the data folder's checkpoint.
    assert.equal(statSync(checkpointFileIn(dir)).mode & 0o777, 0o600);
  });

  test("checkpoint --out writes a signed checkpoint that verify --checkpoint holds the table to", async () => {
    const file = join(dir, "exported.json");
    const res = await cli("audit", "checkpoint", "--out", file);
    assert.equal(res.code, 0, res.err);
    const checkpoint = JSON.parse(readFileSync(file, "utf8")) as AuditCheckpoint;
    assert.match(checkpoint.mac, /^[0-9a-f]{64}$/);
    await withStore(async (sql) => {
      await sql.query("alter table audit_log disable trigger audit_log_append_only");
      await sql.query("delete from audit_log where id = $1", [checkpoint.id]);
      await sql.query("alter table audit_log enable trigger audit_log_append_only");
    });
    const verified = await cli("audit", "verify", "--checkpoint", file, "--json");
    assert.equal(verified.code, exitCodes.verificationFailed);
    const report = JSON.parse(verified.out) as { problems: { kind: string; id: number; message: string }[] };
    // The data folder's own checkpoint and the exported one both name the removed head.
    assert.deepEqual(
      report.problems.map((p) => [p.kind, p.id]),
      [
        ["truncated", checkpoint.id],
        ["truncated", checkpoint.id],
      ],
    );
    // Without arguments the data folder's own checkpoint still names the removed tail.
    const plain = await cli("audit", "verify");
    assert.equal(plain.code, exitCodes.verificationFailed);
    assert.match(
      plain.out,
      new RegExp(`truncated: checkpoint .* names row ${checkpoint.id} .* entries were removed from the end`),
    );
  });

  test("a file that is not a checkpoint is refused before anything is opened", async () => {
    const res = await cli("audit", "verify", "--checkpoint", join(dir, "missing.json"));
    assert.equal(res.code, exitCodes.invalid);
    assert.match(res.err, /cannot read/);
  });

  test("the server verifies at start and says so; the CLI verifies through it", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const { stop } = await startLifecycle(context(out, err), { port: 0, host: "127.0.0.1", workers: false });
    try {
      assert.match(err.join("\n"), /audit log: 1 problem in 2 entries.*\n {2}truncated: /);
      const res = await cli("audit", "verify", "--json");
      assert.equal(res.code, exitCodes.verificationFailed);
      // The two rows, and the first start's staff: its admin, the CLI's operator and their tokens.
      assert.ok((JSON.parse(res.out) as { entries: number }).entries > 2);
    } finally {
      await stop();
    }
  });

  test("once the kept checkpoint is moved away, the server anchors each new head after its commit", async () => {
    rmSync(checkpointFileIn(dir));
    const err: string[] = [];
    const { url, stop } = await startLifecycle(context([], err), {
      port: 0,
      host: "127.0.0.1",
      workers: false,
    });
    try {
      assert.match(err.join("\n"), /audit log verified: \d+ entries, head row \d+/);
      const put = await fetch(`${url}/api/credentials/acme%2Fapp`, {
        method: "PUT",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${readFileSync(join(dir, "cli-token"), "utf8").trim()}`,
        },
        body: JSON.stringify({ kind: "microsoft-app", value: JSON.parse(credential) }),
      });
      assert.equal(put.status, 200, await put.text());
      const res = await cli("audit", "verify", "--json");
      assert.equal(res.code, 0, res.out);
      const { head } = JSON.parse(res.out) as { head: { id: number; hash: string } };
      // The notification that moves the checkpoint on arrives after the commit, on the server's own time.
      const kept = await eventually(() => {
        const c = JSON.parse(readFileSync(checkpointFileIn(dir), "utf8")) as AuditCheckpoint;
        return c.id === head.id ? c : undefined;
      }, "the checkpoint reaching the head");
      assert.equal(kept.hash, head.hash);
    } finally {
      await stop();
    }
  });
});
