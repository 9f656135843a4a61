import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runCli } from "../../src/cli/program.ts";
import { exitCodes } from "../../src/cli/api.ts";
import { directApi } from "../../src/cli/direct-api.ts";
import type { CliContext } from "../../src/cli/commands/context.ts";
import type { ClientConfig } from "../../src/domain/client.ts";
import { liveStateOf } from "../../src/composition/live-state.ts";
import { submitRequest } from "../../src/composition/submit.ts";
import { keyring, type KeySource } from "../../src/credentials/keys.ts";
import { oneTimeLinks } from "../../src/credentials/one-time-links.ts";
import { getRun, type RunDetail } from "../../src/engine/read.ts";
import { signalRun } from "../../src/engine/runs.ts";
import { asStaff } from "../support/staff.ts";
import type { Worker } from "../../src/engine/worker.ts";
import { buildReport, renderHtml, renderPdf, runReport, type RunReport } from "../../src/evidence/index.ts";
import type { Capabilities, OneTimeLinks } from "../../src/ports/index.ts";
import { signedInServer } from "../support/signed-in.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { acme, type Microsoft365Emulator } from "../../emulators/microsoft365/index.ts";
import { waitForStatus } from "../support/engine-helpers.ts";
import { acmeCapabilities, demoAcme, startAcmeTenant, startProductWorker } from "../support/microsoft.ts";
import { pageCount, pdfText } from "./pdf-text.ts";

/** EVIDENCE_DUMP=<folder> keeps each report's JSON, HTML and PDF there, to look at them. */
async function dump(name: string, report: RunReport): Promise<void> {
  const dir = process.env.EVIDENCE_DUMP;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(report, null, 2));
  writeFileSync(join(dir, `${name}.html`), renderHtml(report));
  writeFileSync(join(dir, `${name}.pdf`), await renderPdf(report));
}

const done = ["completed", "completed-with-warnings", "failed", "cancelled"] as const;
const mike = "mike.chen@acmecorp.com";

/**
 * The evidence report of real runs: the demo's Acme on the Microsoft 365 emulator, planned, approved and
 * executed by the product's engine and connectors, then read back into the report and rendered.
 */
describe("the evidence report of a real run", () => {
  let m365: Microsoft365Emulator;
  let caps: Capabilities;
  let store: Store;
  let worker: Worker;
  let client: ClientConfig;
  let app: Awaited<ReturnType<typeof signedInServer>>;
  let base: string;
  const ring = keyring(randomBytes(32));
  const keys: KeySource = () => ring;
  /** Every secret handed to a link: what must be found nowhere but behind the link. */
  const shared: string[] = [];

  before(async () => {
    store = await openStore({});
    m365 = await startAcmeTenant();
    // The product's own links, pointing at the server below: the email's link is opened as a person would.
    const product = oneTimeLinks({ sql: store, keys, publicUrl: () => base });
    const links: OneTimeLinks = {
      share: (owner, secret, opts) => (shared.push(secret), product.share(owner, secret, opts)),
      address: (linkId) => product.address(linkId),
    };
    caps = acmeCapabilities(m365, links);
    client = demoAcme();
    await upsertClient(store, client);
    app = await signedInServer({ store, keys, ports: async () => caps }, { email: "tech@msp.example" });
    base = await app.listen({ host: "127.0.0.1", port: 0 });
    worker = await startProductWorker(store, () => caps);
  });
  after(async () => {
    await worker?.stop();
    await app?.close();
    await m365?.close();
    await store?.close();
  });

  async function submit(kind: "onboard" | "offboard", body: Record<string, unknown>): Promise<string> {
    const res = await submitRequest(
      store,
      kind,
      { client: "acme", requester: "hr@acmecorp.com", ...body },
      { actor: "test", live: () => liveStateOf(caps) },
    );
    assert.ok(res.ok, JSON.stringify(!res.ok && res.errors));
    return res.value.runId!;
  }

  async function finished(runId: string): Promise<RunDetail> {
    await waitForStatus(store, runId, [...done], 60_000);
    return getRun(store, runId);
  }

  const step = (r: RunReport, key: string) => {
    const a = r.actions.find((x) => x.key === key);
    assert.ok(a, `no step ${key} in the report`);
    return a;
  };
  const change = (r: RunReport, what: string) => {
    const c = r.beforeState.find((x) => x.what === what);
    assert.ok(c, `no "${what}" in the before-state: ${JSON.stringify(r.beforeState)}`);
    return c;
  };

  test("Tom Williams's offboarding: approver, plan, before-state, every action's request ids, verification, billing", async () => {
    const runId = await submit("offboard", {
      user: "tom.williams@acmecorp.com",
      lastDay: "now",
      actions: { forwardTo: { address: "manager", keepCopy: true }, grantAccessTo: "manager" },
    });
    await waitForStatus(store, runId, ["awaiting-approval"]);
    const pending = await getRun(store, runId);
    const beforeApproval = Date.now();
    await signalRun(store, runId, { kind: "approve", by: asStaff(mike), planHash: pending.planHash });
    const run = await finished(runId);
    assert.equal(run.status, "completed", JSON.stringify(run.actions.map((a) => [a.key, a.state])));

    const report = await buildReport(store, runId);
    await dump("offboarding", report);
    assert.ok(runReport.safeParse(report).success, "the report matches its own schema");
    assert.equal(report.reportVersion, 1);
    assert.equal(report.run.status, "completed");
    assert.equal(report.request.requester, "hr@acmecorp.com");
    assert.equal(report.request.fields.user, "tom.williams@acmecorp.com");

    // Who approved, when, and that it was this plan.
    assert.equal(report.approvals.length, 1);
    const [approval] = report.approvals;
    assert.equal(approval!.by, mike);
    assert.equal(approval!.decision, "approve");
    assert.ok(Math.abs(Date.parse(approval!.at) - beforeApproval) < 10_000, approval!.at);
    assert.equal(approval!.planHash, run.planHash);
    assert.equal(approval!.matchesPlan, true);

    assert.equal(report.plan.hash, run.planHash);
    assert.equal(report.plan.hashMatches, true);
    assert.equal(report.plan.workflow, "builtin:offboard@1");
    assert.ok(
      report.plan.steps.some((s) => s.key === "remove-licenses" && s.deps.includes("convert-to-shared")),
    );

    // The before-state, from what the steps recorded.
    const groups = change(report, "group memberships");
    assert.ok(groups.items.includes("Marketing") && groups.items.includes("All-Staff"), groups.items.join());
    assert.deepEqual(change(report, "licenses").items, ["SPB"]);
    const mailbox = change(report, "mailbox type");
    assert.equal(mailbox.before, "user mailbox");
    assert.equal(mailbox.after, "shared mailbox");
    const forwarding = change(report, "mail forwarding");
    assert.equal(forwarding.before, "no forwarding");
    assert.match(forwarding.after, /^forwarding to mike\.chen@acmecorp\.com, keeping a copy$/i);

    // Every step, with its times and attempts, its vendor calls and every request id they recorded.
    assert.deepEqual(
      report.actions.map((a) => a.key),
      run.actions.map((a) => a.key),
    );
    for (const a of report.actions) {
      const recorded = run.actions.find((x) => x.key === a.key)!;
      assert.equal(a.state, "succeeded", a.key);
      assert.ok(a.startedAt && a.finishedAt && a.attempts >= 1, a.key);
      assert.equal(a.attemptHistory.length, a.attempts, a.key);
      assert.ok(a.elapsed.finished! >= a.elapsed.started!, a.key);
      if (a.type === "engine.gate") continue;
      const o = recorded.outcome;
      assert.ok(o?.kind === "succeeded");
      assert.equal(a.calls.length, o.calls?.length, `${a.key}: every vendor call`);
      assert.ok(a.calls.length > 0, `${a.key} recorded no vendor call`);
      const ids = new Set([o.requestId, ...(o.calls ?? []).map((c) => c.requestId)].filter(Boolean));
      assert.deepEqual(new Set(a.requestIds), ids, `${a.key}: every request id`);
      assert.equal(a.requestId, o.requestId ?? null, `${a.key}: the change's request id`);
    }
    assert.ok(
      report.actions.filter((a) => a.requestIds.length > 0).length >= 5,
      "the vendors' request ids are in the report",
    );
    const licenses = step(report, "remove-licenses");
    assert.ok(licenses.appliedAt && licenses.appliedAt <= licenses.finishedAt!);
    assert.ok(licenses.startedAt! >= step(report, "convert-to-shared").finishedAt!);

    assert.equal(report.verification.result, "verified");
    assert.equal(report.verification.step, "verify-no-access");
    assert.deepEqual(report.verification.findings, []);
    // What was re-read, step by step, from the data the verification recorded.
    const checks = report.verification.checks ?? [];
    assert.ok(checks.length >= 8 && checks.every((c) => c.result === "clean"), JSON.stringify(checks));
    assert.ok(checks.some((c) => c.step === "remove-licenses" && c.what === "licenses"));
    assert.deepEqual(
      report.billing.licensesRecovered.map((s) => [s.skuPartNumber, s.skuId, s.step]),
      [["SPB", acme.spbSkuId, "remove-licenses"]],
    );
    assert.ok(report.audit.some((e) => e.action === "run.approve" && e.actor === mike));

    // The page and the PDF say the same things.
    const page = renderHtml(report);
    for (const text of [
      mike,
      run.planHash,
      "builtin:offboard@1",
      "All-Staff",
      "SPB",
      "shared mailbox",
      `${checks.length} checks: ${checks.length} clean`,
    ])
      assert.ok(page.includes(text), `the page lacks ${text}`);
    const pdf = await renderPdf(report);
    assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
    const text = pdfText(pdf);
    const pages = pageCount(pdf);
    assert.ok(pages >= 2, `${pages} page(s)`);
    assert.ok(text.includes(`Page ${pages} of ${pages}`), "the last page is numbered with the count");
    assert.ok(text.includes(`Page 1 of ${pages}`));
    for (const t of [
      runId,
      run.planHash,
      mike,
      "builtin:offboard@1",
      "All-Staff",
      "SPB",
      "Planned step re-read",
    ])
      assert.ok(text.includes(t), `the PDF lacks ${t}`);
  });

  /** The newest message that carries a one-time link, and the link. */
  function mailedLink() {
    const mail = m365.admin
      .sentMail(acme.tenantId)
      .filter((m) => m.content.includes("/credentials/"))
      .at(-1);
    assert.ok(mail, "a message carries a one-time link");
    const url = /https?:\/\/[^\s"<]+\/credentials\/[\w-]+/.exec(mail.content)?.[0];
    assert.ok(url, mail.content);
    return { mail, url, token: url.split("/credentials/")[1]! };
  }

  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const ctx: CliContext = {
      env: {},
      actor: "tech@msp.example",
      out: (t) => out.push(t),
      err: (t) => out.push(t),
      setExitCode: () => undefined,
      connect: async () => ({
        ...directApi(store, { keys, ports: async () => caps }),
        close: async () => undefined,
      }),
    };
    const code = await runCli(argv, ctx);
    return { code, out: out.join("\n") };
  };
  const cliOut = async (...argv: string[]) => {
    const { code, out } = await cli(...argv);
    assert.equal(code, 0, out);
    return out;
  };

  /** The run's live stream, read as a browser would until it has sent every event the run has so far. */
  async function streamed(runId: string): Promise<string> {
    const last = (await getRun(store, runId)).events.at(-1)?.id;
    const abort = new AbortController();
    const res = await fetch(`${base}/api/runs/${runId}/stream`, {
      signal: abort.signal,
      headers: { authorization: `Bearer ${app.token}` },
    });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes(`id: ${last}\n`)) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    abort.abort();
    return text;
  }

  /** Everywhere a run is kept or shown: its rows, the audit log, its API answers, its stream, the CLI's --json. */
  async function everywhere(runId: string): Promise<[string, string][]> {
    const places: [string, string][] = [];
    for (const table of ["actions", "attempts", "events", "one_time_links"])
      for (const r of await store.query<{ text: string }>(
        `select row_to_json(t)::text as text from ${table} t where run_id = $1`,
        [runId],
      ))
        places.push([`a row of ${table}`, r.text]);
    for (const r of await store.query<{ text: string }>(
      "select row_to_json(t)::text as text from audit_log t",
    ))
      places.push(["the audit log", r.text]);
    for (const path of [`/api/runs/${runId}`, `/api/runs/${runId}/events`, `/api/runs/${runId}/links`])
      places.push([`GET ${path}`, (await app.inject({ method: "GET", url: path })).body]);
    places.push(["the run's live stream", await streamed(runId)]);
    places.push(["runs show --json", await cliOut("runs", "show", runId, "--json")]);
    places.push(["links list --json", await cliOut("links", "list", runId, "--json")]);
    return places;
  }

  function assertNowhere(places: [string, string][], secrets: Record<string, string>): void {
    const found = places.flatMap(([where, text]) =>
      Object.entries(secrets)
        .filter(([, secret]) => secret && text.includes(secret))
        .map(([name]) => `${name} in ${where}`),
    );
    assert.deepEqual(found, []);
  }

  const reveal = (url: string) => fetch(`${url}/reveal`, { method: "POST" });

  test("an onboarding with a Temporary Access Pass: no pass, link or token in its rows, API answers, stream, CLI output or report; the emailed link opens once", async () => {
    const hostile = `Sarah <script>alert("x")</script> Johnson`;
    const runId = await submit("onboard", {
      firstName: "Sarah",
      lastName: "Johnson",
      displayName: hostile,
      department: "Marketing",
      manager: mike,
      personalEmail: "sarah@example.org",
      start: "now",
    });
    const run = await finished(runId);
    assert.equal(run.status, "completed", JSON.stringify(run.actions.map((a) => [a.key, a.state])));
    const tap = shared.at(-1);
    assert.ok(tap, "the TAP went to a one-time link");
    const tapStep = run.actions.find((a) => a.type === "identity.issue-temporary-access-pass")!;
    const data = tapStep.outcome?.kind === "succeeded" ? (tapStep.outcome.data ?? {}) : {};
    assert.equal(data.linkId, `${runId}:${tapStep.key}#1`, "the step keeps the link's id");
    assert.equal(data.linkState, "created");
    const { mail, url, token } = mailedLink();
    assert.ok(mail.toRecipients.includes("sarah@example.org"), "the email went to the personal address");
    assert.ok(url.startsWith(`${base}/credentials/`), url);
    const password = m365.admin.user(acme.tenantId, "sarah.johnson@acmecorp.com").password ?? "";
    assert.ok(password.length >= 8, "the emulator knows the password the account was created with");

    const report = await buildReport(store, runId);
    await dump("onboarding", report);
    const json = JSON.stringify(report);
    const page = renderHtml(report);
    const pdf = pdfText(await renderPdf(report));
    const places = await everywhere(runId);
    places.push(["the JSON report", json], ["the HTML report", page], ["the PDF report", pdf]);
    assert.ok(
      places.some(([where, text]) => where === "runs show --json" && text.includes(String(data.linkId))),
      "the CLI shows the link by its id",
    );
    assertNowhere(places, { "the pass": tap, "the link": url, "the token": token, "the password": password });
    for (const [name, doc] of [
      ["JSON", json],
      ["HTML", page],
      ["PDF", pdf],
    ] as const)
      assert.ok(doc.includes("sarah.johnson@acmecorp.com"), `the ${name} report is about Sarah`);
    assert.deepEqual(Object.keys(step(report, tapStep.key).data).sort(), [
      "expiresAt",
      "linkId",
      "linkState",
      "methodId",
    ]);

    assert.equal(report.verification.result, "none-planned");
    assert.equal(report.plan.workflow, "builtin:onboard@1");
    assert.ok(report.billing.licensesAssigned.some((s) => s.skuPartNumber === "SPB"));
    // The display name is in the report as given, and on the page only as text.
    assert.equal(report.request.fields.displayName, hostile);
    assert.ok(!page.includes("<script"), "the page holds no script tag");
    assert.ok(page.includes("Sarah &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Johnson"));

    // The emailed link works, once: the page, the pass, then gone, and the reveal is recorded by id.
    const opened = await fetch(url);
    assert.equal(opened.status, 200);
    assert.match(await opened.text(), /<button[^>]*>Show<\/button>/);
    const first = await reveal(url);
    assert.equal(first.status, 200);
    assert.equal(((await first.json()) as { secret: string }).secret, tap, "the link opens the pass");
    const second = await reveal(url);
    assert.equal(second.status, 410);
    assert.equal(((await second.json()) as { error: { code: string } }).error.code, "LC_ERR_GONE");
    const audited = await store.query<{ detail: { linkId: string } }>(
      "select detail from audit_log where action = 'link.viewed' and subject = $1",
      [data.linkId],
    );
    assert.equal(audited.length, 1, "the reveal is audited, by the link's id");
    const viewed = (await getRun(store, runId)).events.filter((e) => e.type === "link.viewed");
    assert.deepEqual(
      viewed.map((e) => e.detail),
      [{ linkId: data.linkId, state: "viewed" }],
    );
    assertNowhere(await everywhere(runId), { "the pass": tap, "the link": url, "the token": token });
  });

  test("a re-issue revokes the emailed link and mails a new one the same way, audited; an opened link is not re-issued", async () => {
    const runId = await submit("onboard", {
      firstName: "Rita",
      lastName: "Reissue",
      department: "Marketing",
      manager: mike,
      personalEmail: "rita@example.org",
      start: "now",
    });
    const run = await finished(runId);
    assert.equal(run.status, "completed", JSON.stringify(run.actions.map((a) => [a.key, a.state])));
    const tap = shared.at(-1)!;
    const before = mailedLink();
    const res = await app.inject({
      method: "POST",
      url: `/api/runs/${runId}/links/reissue`,
      payload: {},
    });
    assert.equal(res.statusCode, 200, res.body);
    const reissued = JSON.parse(res.body) as {
      revoked: string;
      link: { linkId: string; state: string };
      sentTo: string[];
    };
    assert.equal(reissued.revoked, `${runId}:tap#1`);
    assert.equal(reissued.link.linkId, `${runId}:tap#2`);
    assert.equal(reissued.link.state, "created");
    const after = mailedLink();
    assert.notEqual(after.url, before.url);
    assert.match(after.mail.subject, /New sign-in link/);
    assert.match(after.mail.content, /replaces the link sent before/);
    assert.deepEqual(
      [...after.mail.toRecipients].sort(),
      [...before.mail.toRecipients].sort(),
      "sent the way the first went",
    );
    assert.deepEqual([...reissued.sentTo].sort(), [...before.mail.toRecipients].sort());

    assert.equal((await reveal(before.url)).status, 404, "the old link no longer opens");
    const opened = await reveal(after.url);
    assert.equal(opened.status, 200);
    assert.equal(((await opened.json()) as { secret: string }).secret, tap);

    const audit = await store.query<{ actor: string; action: string; subject: string }>(
      "select actor, action, subject from audit_log where subject like $1 order by id",
      [`${runId}:%`],
    );
    assert.deepEqual(
      audit.map((a) => [a.action, a.subject]),
      [
        ["link.reissued", `${runId}:tap#2`],
        ["link.viewed", `${runId}:tap#2`],
      ],
    );
    assert.equal(audit[0]?.actor, "tech@msp.example");
    const types = (await getRun(store, runId)).events.map((e) => e.type);
    for (const t of ["link.reissued", "link.sent", "link.viewed"]) assert.ok(types.includes(t), t);

    const again = await cli("links", "reissue", runId);
    assert.equal(again.code, exitCodes.conflict);
    assert.match(again.out, /was opened at .*a new link needs a new pass/);
    const listed = JSON.parse(await cliOut("links", "list", runId, "--json")) as {
      linkId: string;
      state: string;
    }[];
    assert.deepEqual(
      listed.map((l) => [l.linkId, l.state]),
      [
        [`${runId}:tap#1`, "revoked"],
        [`${runId}:tap#2`, "viewed"],
      ],
    );
    assertNowhere(await everywhere(runId), {
      "the pass": tap,
      "the first link": before.url,
      "the first token": before.token,
      "the second link": after.url,
      "the second token": after.token,
    });
  });
});
