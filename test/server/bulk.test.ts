import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { submitRequest } from "../../src/composition/submit.ts";
import { parseClientConfig } from "../../src/domain/client.ts";
import { buildServer } from "../../src/server/app.ts";
import { markSubmitting } from "../../src/store/bulk-repo.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { testClientConfig } from "../support/engine-helpers.ts";
import { staffToken } from "../support/signed-in.ts";
import { signedIn } from "../support/staff.ts";
import { assertMatchesDocument, fieldsOf, json, type ErrorReply } from "./helpers.ts";

interface RowView {
  line: number;
  ok: boolean;
  excluded: boolean;
  errors: { field: string; message: string }[];
  summary: { name?: string; upn?: string };
  planHash?: string;
  runId?: string;
  status?: string;
}
interface Batch {
  batchId: string;
  state: string;
  planHash?: string;
  excluded: number[];
  rows: RowView[];
  counts: { rows: number; ok: number; withErrors: number; runs: number; byStatus: Record<string, number> };
}

type Staff = Awaited<ReturnType<typeof signedIn>>;

let store: Store;
let app: FastifyInstance;
let tech: Staff;
let approver: Staff;
let admin: Staff;

before(async () => {
  store = await openStore({});
  // Acme's onboardings are approved by MSP staff who may approve; Globex needs no approval.
  const acme = parseClientConfig({
    ...testClientConfig("acme"),
    approval: { onboarding: "technician", offboarding: "technician", expiresAfterHours: 72 },
  });
  assert.ok(acme.ok, JSON.stringify(acme));
  await upsertClient(store, acme.value);
  await upsertClient(store, testClientConfig("globex"));
  app = await buildServer({ store });
  tech = await signedIn(store, "tech@msp.example", "technician");
  approver = await signedIn(store, "ann@msp.example", "approver");
  admin = await signedIn(store, "sam@msp.example", "admin");
});

after(async () => {
  await app.close();
  await store.close();
});

const upload = (csv: string, by: Staff = tech, kind = "onboard", client = "acme") =>
  app.inject({
    method: "POST",
    url: `/api/bulk/${kind}?client=${client}`,
    headers: { ...by.headers, "content-type": "text/csv" },
    payload: csv,
  });

const submit = (batchId: string, body: Record<string, unknown> = {}, by: Staff = tech) =>
  app.inject({ method: "POST", url: `/api/bulk/${batchId}/submit`, headers: by.headers, payload: body });

const approve = (batchId: string, planHash: string, by: Staff = approver) =>
  app.inject({
    method: "POST",
    url: `/api/bulk/${batchId}/approve`,
    headers: by.headers,
    payload: { planHash },
  });

const reject = (batchId: string, note: string | undefined, by: Staff = approver) =>
  app.inject({
    method: "POST",
    url: `/api/bulk/${batchId}/reject`,
    headers: by.headers,
    payload: note === undefined ? {} : { note },
  });

const doc = async () =>
  json<Parameters<typeof assertMatchesDocument>[0]>(
    await app.inject({ method: "GET", url: "/api/openapi.json", headers: tech.headers }),
  );

const count = async (table: string) =>
  (await store.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n;

async function uploaded(csv: string): Promise<Batch> {
  const res = await upload(csv);
  assert.equal(res.statusCode, 201, res.body);
  return json<Batch>(res);
}

// Unique names per test: a pending onboarding of the same person refuses a second one.
const people = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${tag}${String.fromCharCode(97 + i)},Doe${tag},now`);

describe("bulk onboarding", () => {
  test("a file with one bad row is refused at submit naming line and field; nothing runs until it is excluded or fixed", async () => {
    const [a, b] = people("Bad", 2);
    // Line 3 has no last name; the header uses labels, in another case.
    const csv = `first name,LAST NAME,Start\n${a}\nCarl,,now\n${b}\n`;
    const batch = await uploaded(csv);
    assert.deepEqual(
      batch.rows.map((r) => [r.line, r.ok]),
      [
        [2, true],
        [3, false],
        [4, true],
      ],
    );
    assert.deepEqual(
      batch.rows[1]!.errors.map((e) => e.field),
      ["lastName"],
    );
    assert.equal(batch.rows[0]!.summary.upn, "bada.doebad@acme.example.com");
    assert.equal(batch.state, "uploaded");
    const runsBefore = await count("runs");

    const refused = await submit(batch.batchId);
    assert.equal(refused.statusCode, 400, refused.body);
    assert.deepEqual(fieldsOf(refused), ["lines.3.lastName"]);
    assert.match(json<ErrorReply>(refused).error.message, /cannot be submitted/);
    assert.equal(await count("runs"), runsBefore, "nothing ran");

    const fixed = await uploaded(`first name,LAST NAME,Start\n${people("Fix", 1)[0]}\nCarl,Fixed,now\n`);
    assert.ok(fixed.rows.every((r) => r.ok));
    const fixedRes = await submit(fixed.batchId);
    assert.equal(fixedRes.statusCode, 200, fixedRes.body);
    assert.equal(json<Batch>(fixedRes).counts.runs, 2);

    const res = await submit(batch.batchId, { exclude: [3] });
    assert.equal(res.statusCode, 200, res.body);
    const done = json<Batch>(res);
    assert.equal(done.state, "submitted");
    assert.deepEqual(done.excluded, [3]);
    assert.deepEqual(
      done.rows.map((r) => [r.line, Boolean(r.runId), r.excluded]),
      [
        [2, true, false],
        [3, false, true],
        [4, true, false],
      ],
    );
    assert.equal(await count("runs"), runsBefore + 4);
    assert.equal(done.counts.byStatus["awaiting-approval"], 2);
    assertMatchesDocument(await doc(), "POST", "/api/bulk/{batchId}/submit", res);
  });

  test("an unknown column is refused naming it, and nothing is stored", async () => {
    const batches = await count("bulk_batches");
    const res = await upload("firstName,lastName,start,shoeSize\nJo,Doe,now,42\n");
    assert.equal(res.statusCode, 400, res.body);
    assert.deepEqual(fieldsOf(res), ["shoeSize"]);
    assert.match(json<ErrorReply>(res).error.fields![0]!.message, /not a column of the onboarding form/);
    assert.equal(await count("bulk_batches"), batches);
    const nobody = await upload("firstName,lastName,start\nJo,Doe,now\n", admin, "onboard", "initech");
    assert.equal(nobody.statusCode, 404, nobody.body);
  });

  test("the same person twice in one file, or already being onboarded, is a row error before anything runs", async () => {
    const batch = await uploaded(
      "firstName,lastName,start,username\nTwin,Doe,now,\nTWIN,doe,now,twin.two\nOther,Doe,now,twin.doe\n",
    );
    assert.deepEqual(
      batch.rows.map((r) => [r.line, r.errors.map((e) => e.field)]),
      [
        [2, []],
        [3, ["lastName"]],
        [4, ["username"]],
      ],
    );
    assert.match(batch.rows[2]!.errors[0]!.message, /also on line 2/);
    const sent = json<Batch>(await submit(batch.batchId, { exclude: [3, 4] }));
    assert.equal(sent.counts.runs, 1);
    const again = await uploaded("firstName,lastName,start\nTwin,Doe,now\n");
    assert.match(again.rows[0]!.errors[0]!.message, /already onboards Twin Doe/);
  });

  test("more rows or bytes than a batch takes: 413 saying the limit", async () => {
    const rows = Array.from({ length: 1001 }, (_, i) => `P${i},Doe,now`).join("\n");
    const many = await upload(`firstName,lastName,start\n${rows}\n`);
    assert.equal(many.statusCode, 413, many.body);
    assert.match(json<ErrorReply>(many).error.message, /more than 1000 rows/);
    const big = await upload(`firstName,lastName,start,notes\n${"Jo,Doe,now," + "x".repeat(1024 * 1024)}\n`);
    assert.equal(big.statusCode, 413, big.body);
    assert.match(json<ErrorReply>(big).error.message, /at most 1024 KiB/);
  });

  test("submitting again, and resuming after a crash mid-submit, makes no duplicate run", async () => {
    const batch = await uploaded(`firstName,lastName,start\n${people("Idem", 3).join("\n")}\n`);
    // A crash after the first row's run was stored and before the batch noted it.
    await markSubmitting(store, batch.batchId, tech.accountId, []);
    const first = await submitRequest(
      store,
      "onboard",
      { client: "acme", requester: tech.email, firstName: "Idema", lastName: "DoeIdem", start: "now" },
      {
        actor: tech.email,
        submittedBy: tech,
        idempotencyKey: "line-2",
        idempotencyOwner: `bulk:${batch.batchId}`,
      },
    );
    assert.ok(first.ok && first.value.runId, JSON.stringify(first));
    const runsBefore = await count("runs");

    const resumed = await submit(batch.batchId);
    assert.equal(resumed.statusCode, 200, resumed.body);
    const view = json<Batch>(resumed);
    assert.equal(view.rows[0]!.runId, first.value.runId, "the crashed row's run is the one made before");
    assert.equal(await count("runs"), runsBefore + 2);

    const again = await submit(batch.batchId);
    assert.equal(again.statusCode, 200, again.body);
    assert.deepEqual(
      json<Batch>(again).rows.map((r) => r.runId),
      view.rows.map((r) => r.runId),
    );
    assert.equal(await count("runs"), runsBefore + 2);
    const other = await submit(batch.batchId, { exclude: [3] });
    assert.equal(other.statusCode, 409, other.body);
  });

  test("one approval for the batch: by an eligible approver, of the batch's hash, never by its submitter", async () => {
    const batch = await uploaded(`firstName,lastName,start\n${people("Appr", 3).join("\n")}\n`);
    assert.equal((await approve(batch.batchId, "0".repeat(64))).statusCode, 409, "not submitted yet");
    const view = json<Batch>(await submit(batch.batchId));
    assert.equal(view.counts.byStatus["awaiting-approval"], 3);
    assert.ok(view.planHash);
    const signals = await count("signals");

    const bySubmitter = await approve(batch.batchId, view.planHash, tech);
    assert.equal(bySubmitter.statusCode, 403, bySubmitter.body);
    // An admin may approve, but did not submit: still not the hash shown.
    const stale = await approve(batch.batchId, "f".repeat(64), admin);
    assert.equal(stale.statusCode, 409, stale.body);
    assert.equal(await count("signals"), signals, "a refusal records nothing");

    const res = await approve(batch.batchId, view.planHash);
    assert.equal(res.statusCode, 200, res.body);
    const approved = json<Batch>(res);
    const events = await store.query<{ n: number }>(
      `select count(*)::int as n from events where type = 'approval.approved' and run_id = any($1::uuid[])`,
      [approved.rows.map((r) => r.runId)],
    );
    assert.equal(events[0]!.n, 3, "each run's approval is recorded on its own timeline");
    assert.equal(await count("signals"), signals + 3);
    const audit = await store.query<{ actor: string }>(
      `select actor from audit_log where action = 'onboard.bulk-approve' and subject = $1`,
      [batch.batchId],
    );
    assert.deepEqual(audit, [{ actor: approver.email }]);
    // Again: every run was approved already; it answers as the first time did and records nothing new.
    assert.equal((await approve(batch.batchId, view.planHash)).statusCode, 200);
    assert.equal(await count("signals"), signals + 3);

    const got = await app.inject({ method: "GET", url: `/api/bulk/${batch.batchId}`, headers: tech.headers });
    assert.equal(got.statusCode, 200, got.body);
    assertMatchesDocument(await doc(), "GET", "/api/bulk/{batchId}", got);
    const listed = await app.inject({ method: "GET", url: "/api/bulk?client=acme", headers: tech.headers });
    assert.equal(listed.statusCode, 200, listed.body);
    assert.ok(json<{ batchId: string }[]>(listed).some((b) => b.batchId === batch.batchId));
  });

  test("one rejection for the batch: every run still waiting is rejected, all or none, and the uploader may give it", async () => {
    const batch = await uploaded(`firstName,lastName,start\n${people("Rej", 2).join("\n")}\n`);
    assert.equal((await reject(batch.batchId, "no")).statusCode, 409, "not submitted yet");
    const view = json<Batch>(await submit(batch.batchId));
    assert.equal(view.counts.byStatus["awaiting-approval"], 2);
    const signals = await count("signals");
    const viewer = await signedIn(store, "vic@msp.example", "viewer");
    assert.equal((await reject(batch.batchId, "no", viewer)).statusCode, 403);
    assert.equal(await count("signals"), signals, "a refusal records nothing");

    const res = await reject(batch.batchId, "wrong start dates", tech);
    assert.equal(res.statusCode, 403, "a technician may not answer approvals");
    const byApprover = await reject(batch.batchId, "wrong start dates");
    assert.equal(byApprover.statusCode, 200, byApprover.body);
    assertMatchesDocument(await doc(), "POST", "/api/bulk/{batchId}/reject", byApprover);
    const rejected = json<Batch>(byApprover);
    const runs = rejected.rows.map((r) => r.runId);
    const notes = await store.query<{ kind: string; note: string }>(
      `select kind, note from signals where run_id = any($1::uuid[]) order by id`,
      [runs],
    );
    assert.deepEqual(notes, [
      { kind: "reject", note: "wrong start dates" },
      { kind: "reject", note: "wrong start dates" },
    ]);
    const audit = await store.query<{ actor: string }>(
      `select actor from audit_log where action = 'onboard.bulk-reject' and subject = $1`,
      [batch.batchId],
    );
    assert.deepEqual(audit, [{ actor: approver.email }]);
    // Again: answers as the first time did and records nothing new; approving now is refused by line.
    assert.equal((await reject(batch.batchId, undefined)).statusCode, 200);
    const late = await approve(batch.batchId, view.planHash ?? "", admin);
    assert.equal(late.statusCode, 409, late.body);
    assert.match(json<ErrorReply>(late).error.message, /^line 2: .*already rejected/);
    assert.equal(await count("signals"), signals + 2);
  });

  test("a staff member limited to another client is refused every route of this client's batch", async () => {
    const batch = await uploaded(`firstName,lastName,start\n${people("Scope", 1).join("\n")}\n`);
    const token = await staffToken(store, {
      role: "admin",
      email: "globex-admin@msp.example",
      clients: ["globex"],
    });
    const headers = { authorization: `Bearer ${token}` };
    const asks = [
      {
        method: "POST" as const,
        url: "/api/bulk/onboard?client=acme",
        payload: "firstName,lastName,start\nA,B,now\n",
        headers: { ...headers, "content-type": "text/csv" },
      },
      { method: "GET" as const, url: "/api/bulk?client=acme", headers },
      { method: "GET" as const, url: `/api/bulk/${batch.batchId}`, headers },
      { method: "POST" as const, url: `/api/bulk/${batch.batchId}/submit`, payload: {}, headers },
      {
        method: "POST" as const,
        url: `/api/bulk/${batch.batchId}/approve`,
        payload: { planHash: "0" },
        headers,
      },
    ];
    const runs = await count("runs");
    for (const ask of asks) {
      const res = await app.inject(ask);
      assert.equal(res.statusCode, 403, `${ask.method} ${ask.url}: ${res.body}`);
    }
    assert.equal(await count("runs"), runs);
    const own = await app.inject({
      ...asks[0]!,
      url: "/api/bulk/onboard?client=globex",
      payload: "firstName,lastName,start,requester\nA,B,now,hr@globex.example.com\n",
    });
    assert.equal(own.statusCode, 201, own.body);
  });
});

describe("bulk offboarding", () => {
  test("actions as columns with yes/no, and a wrong boolean names its field and line", async () => {
    const csv =
      "user,lastDay,actions.convertToShared,Remove licenses,actions.forwardTo,actions.forwardTo.keepCopy\n" +
      "tom@acme.example.com,now,yes,no,boss@acme.example.com,false\n" +
      "ann@acme.example.com,now,maybe,,,\n";
    const res = await upload(csv, tech, "offboard");
    assert.equal(res.statusCode, 201, res.body);
    const batch = json<Batch>(res);
    assert.equal(batch.rows[0]!.ok, true, JSON.stringify(batch.rows[0]));
    assert.deepEqual(
      batch.rows[1]!.errors.map((e) => e.field),
      ["actions.convertToShared"],
    );
    const [stored] = await store.query<{ values: { actions: unknown } }>(
      "select values from bulk_rows where batch_id = $1 and line = 2",
      [batch.batchId],
    );
    assert.deepEqual(stored!.values.actions, {
      convertToShared: true,
      removeLicenses: false,
      forwardTo: { address: "boss@acme.example.com", keepCopy: false },
    });
    const refused = await submit(batch.batchId);
    assert.deepEqual(fieldsOf(refused), ["lines.3.actions.convertToShared"]);
  });
});
