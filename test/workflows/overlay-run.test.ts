import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { liveStateOf } from "../../src/composition/live-state.ts";
import { submitRequest } from "../../src/composition/submit.ts";
import { saveClientWorkflow } from "../../src/composition/workflows.ts";
import type { ClientConfig } from "../../src/domain/client.ts";
import type { Plan } from "../../src/domain/plan.ts";
import type { Capabilities } from "../../src/ports/index.ts";
import { getRun, type RunDetail } from "../../src/engine/read.ts";
import { signalRun } from "../../src/engine/runs.ts";
import { asStaff } from "../support/staff.ts";
import { type Worker } from "../../src/engine/worker.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { acme, type Microsoft365Emulator } from "../../emulators/microsoft365/index.ts";
import { waitForStatus } from "../support/engine-helpers.ts";
import { acmeCapabilities, demoAcme, startAcmeTenant, startProductWorker } from "../support/microsoft.ts";

const tenant = acme.tenantId;
const done = ["completed", "completed-with-warnings", "failed", "cancelled"] as const;

let m365: Microsoft365Emulator;
let caps: Capabilities;
let store: Store;
let worker: Worker;
let client: ClientConfig;

before(async () => {
  store = await openStore({});
  m365 = await startAcmeTenant();
  m365.admin.createGroup(tenant, {
    displayName: "Sales Team",
    kind: "distribution",
    mail: "sales@acmecorp.com",
    mailNickname: "sales",
  });
  caps = acmeCapabilities(m365);
  client = { ...demoAcme(), variables: { ...demoAcme().variables, peopleTeam: "people@acmecorp.com" } };
  await upsertClient(store, client);
  worker = await startProductWorker(store, () => caps);
});
after(async () => {
  await worker?.stop();
  await m365?.close();
  await store?.close();
});

const submit = (kind: "onboard" | "offboard", body: Record<string, unknown>, dryRun = false) =>
  submitRequest(
    store,
    kind,
    { client: "acme", requester: "tech@msp.example", ...body },
    { actor: "tech@msp.example", live: () => liveStateOf(caps), dryRun },
  );

async function finished(runId: string): Promise<RunDetail> {
  await waitForStatus(store, runId, [...done], 60_000);
  return getRun(store, runId);
}

const storedPlan = async (runId: string) =>
  (await store.query<{ plan: Plan }>(`select plan from runs where id = $1`, [runId]))[0]?.plan;

test("a client's overlay without the signature, with a second list and the welcome email to its people team, runs end to end", async () => {
  const saved = await saveClientWorkflow(store, {
    clientId: "acme",
    actor: "lead@msp.example",
    input: {
      kind: "onboard",
      extends: "builtin:onboard@1",
      remove: ["signature"],
      add: [
        {
          id: "sales-list",
          action: "groups.add-member",
          title: "Add to the sales list",
          on: "mailboxAdmin",
          when: { serves: "mailboxAdmin" },
          params: { upn: "${derived.upn}", group: "sales@acmecorp.com" },
          after: ["mailbox-ready"],
        },
      ],
      patch: { "welcome-email": { params: { to: ["${vars.peopleTeam}"] } } },
    },
  });
  assert.ok(saved.ok, JSON.stringify(!saved.ok && saved.errors));
  const sub = await submit("onboard", {
    firstName: "Sarah",
    lastName: "Johnson",
    department: "Marketing",
    manager: "mike.chen@acmecorp.com",
    start: "now",
  });
  assert.ok(sub.ok, JSON.stringify(!sub.ok && sub.errors));
  const run = await finished(sub.value.runId!);
  assert.equal(run.status, "completed", JSON.stringify(run.actions.map((a) => [a.key, a.state, a.outcome])));
  assert.equal(run.workflow, `client:acme:onboard@${saved.value.version}`);
  const keys = run.actions.map((a) => a.key);
  assert.ok(!keys.includes("signature"), "the signature step is gone");
  // The added step comes before the welcome email, which waits for every step before it.
  const welcome = run.actions.find((a) => a.key === "welcome-email");
  assert.ok(welcome?.deps.includes("sales-list"));
  const user = m365.admin.user(tenant, "sarah.johnson@acmecorp.com");
  const groups = user.groups.map((g) => g.displayName);
  assert.ok(groups.includes("Sales Team") && groups.includes("Marketing Team"), groups.join(", "));
  assert.equal(user.mailbox?.messageConfiguration.SignatureHtml ?? "", "", "no signature was set");
  const mail = m365.admin.sentMail(tenant);
  assert.deepEqual(mail.at(-1)?.toRecipients, ["people@acmecorp.com"]);
});

test("an overlay saved while a run waits for approval leaves that run on the version it was planned with", async () => {
  const first = await saveClientWorkflow(store, {
    clientId: "acme",
    actor: "lead@msp.example",
    input: { kind: "offboard", extends: "builtin:offboard@1" },
  });
  assert.ok(first.ok, JSON.stringify(!first.ok && first.errors));
  const sub = await submit("offboard", { user: "tom.williams@acmecorp.com", lastDay: "now" });
  assert.ok(sub.ok, JSON.stringify(!sub.ok && sub.errors));
  const runId = sub.value.runId!;
  await waitForStatus(store, runId, ["awaiting-approval"]);
  const before = await storedPlan(runId);

  const second = await saveClientWorkflow(store, {
    clientId: "acme",
    actor: "lead@msp.example",
    input: { kind: "offboard", extends: "builtin:offboard@1", remove: ["notify-supervisor"] },
  });
  assert.ok(second.ok, JSON.stringify(!second.ok && second.errors));
  assert.equal(second.value.version, (first.value.version ?? 0) + 1);
  // A new plan uses the new version; the waiting run's plan and hash are untouched.
  const dry = await submit("offboard", { user: "tom.williams@acmecorp.com", lastDay: "now" }, true);
  assert.ok(dry.ok);
  assert.ok(!dry.value.plan.actions.some((a) => a.key === "notify-supervisor"));
  assert.deepEqual(await storedPlan(runId), before);
  const waiting = await getRun(store, runId);
  assert.equal(waiting.planHash, sub.value.planHash);
  assert.equal(waiting.workflow, `client:acme:offboard@${first.value.version}`);

  await signalRun(store, runId, {
    kind: "approve",
    by: asStaff("mike.chen@acmecorp.com"),
    planHash: waiting.planHash,
  });
  const run = await finished(runId);
  assert.equal(run.status, "completed", JSON.stringify(run.actions.map((a) => [a.key, a.state, a.outcome])));
  assert.equal(run.actions.find((a) => a.key === "notify-supervisor")?.state, "succeeded");
});
