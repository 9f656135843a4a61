import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import { signedInServer } from "../support/signed-in.ts";
import { auditRoutes } from "../../src/server/routes/audit.ts";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "../../src/server/zod.ts";
import { appendAudit } from "../../src/store/audit.ts";
import { checkpointFileIn } from "../../src/store/audit/anchor.ts";
import type { AuditCheckpoint } from "../../src/store/audit/checkpoint.ts";
import type { AuditReport } from "../../src/store/audit/verify.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { assertMatchesDocument, json, openapi } from "./helpers.ts";

interface AuditPage {
  verification: AuditReport;
  entries: { id: number; actor: string; action: string; subject: string }[];
  next: number | null;
}

describe("audit routes", () => {
  let store: Store;
  let app: FastifyInstance;
  let dir: string;
  let doc: Awaited<ReturnType<typeof openapi>>;
  let staffRows = 0;

  before(async () => {
    store = await openStore({});
    dir = mkdtempSync(join(tmpdir(), "lc-audit-api-"));
    app = await signedInServer({ store, auditCheckpointFile: checkpointFileIn(dir) });
    doc = await openapi(app);
    // The signed-in server's own account and token are the first rows.
    const [row] = await store.query<{ n: number }>("select count(*)::int as n from audit_log");
    staffRows = row?.n ?? 0;
    for (let n = 1; n <= 5; n++)
      await store.tx((sql) => appendAudit(sql, { actor: `t${n}`, action: "x", subject: `s${n}` }));
  });
  after(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true });
  });

  test("GET /api/audit answers the verification and pages entries newest first", async () => {
    const first = await app.inject({ method: "GET", url: "/api/audit?limit=3" });
    assert.equal(first.statusCode, 200, first.body);
    assertMatchesDocument(doc, "get", "/api/audit", first);
    const page = json<AuditPage>(first);
    assert.deepEqual([page.verification.ok, page.verification.entries], [true, staffRows + 5]);
    assert.deepEqual(
      page.entries.map((e) => e.subject),
      ["s5", "s4", "s3"],
    );
    const rest = json<AuditPage>(await app.inject({ method: "GET", url: `/api/audit?before=${page.next}` }));
    assert.deepEqual(
      rest.entries.filter((e) => e.action === "x").map((e) => e.subject),
      ["s2", "s1"],
    );
  });

  test("a checkpoint from POST /api/audit/checkpoint is kept by the server and catches a removed tail", async () => {
    const res = await app.inject({ method: "POST", url: "/api/audit/checkpoint", payload: {} });
    assert.equal(res.statusCode, 200, res.body);
    assertMatchesDocument(doc, "post", "/api/audit/checkpoint", res);
    const checkpoint = json<AuditCheckpoint>(res);
    await store.tx(async (sql) => {
      await sql.query("alter table audit_log disable trigger audit_log_append_only");
      await sql.query("delete from audit_log where id = $1", [checkpoint.id]);
      await sql.query("alter table audit_log enable trigger audit_log_append_only");
    });
    const sent = await app.inject({ method: "POST", url: "/api/audit/verify", payload: { checkpoint } });
    assert.equal(sent.statusCode, 200, sent.body);
    assertMatchesDocument(doc, "post", "/api/audit/verify", sent);
    const report = json<AuditReport>(sent);
    assert.equal(report.ok, false);
    // The server's own checkpoint and the one sent both name the row that is gone.
    assert.deepEqual(
      report.problems.map((p) => [p.kind, p.id]),
      [
        ["truncated", checkpoint.id],
        ["truncated", checkpoint.id],
      ],
    );
    const page = json<AuditPage>(await app.inject({ method: "GET", url: "/api/audit" }));
    assert.deepEqual(
      page.verification.problems.map((p) => p.kind),
      ["truncated"],
    );
  });

  test("a checkpoint that is not one is refused as a field error", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/api/audit/verify",
      payload: { checkpoint: { id: 1, hash: "nope" } },
    });
    assert.equal(res.statusCode, 400, res.body);
  });

  test("the audit routes need the administer permission (admins only), in their config and their description", async () => {
    const administer = JSON.stringify({ permission: "administer" });
    const marked: [string, string, unknown][] = [];
    const probe = Fastify().withTypeProvider<ZodTypeProvider>();
    probe.setValidatorCompiler(validatorCompiler);
    probe.setSerializerCompiler(serializerCompiler);
    probe.addHook("onRoute", (r) => {
      if (r.method !== "HEAD") marked.push([String(r.method), r.url, JSON.stringify(r.config?.access)]);
    });
    await probe.register(auditRoutes, { store });
    await probe.ready();
    await probe.close();
    assert.deepEqual(marked, [
      ["GET", "/audit", administer],
      ["POST", "/audit/verify", administer],
      ["POST", "/audit/checkpoint", administer],
    ]);
    for (const [path, ops] of Object.entries(doc.paths))
      if (path.startsWith("/api/audit"))
        for (const op of Object.values(ops) as { description?: string }[])
          assert.match(op.description ?? "", /Admins only/, path);
  });
});
