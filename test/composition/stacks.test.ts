import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { liveStateOf, submitRequest } from "../../src/composition/index.ts";
import { connectors } from "../../src/connectors/registry.ts";
import { getRun, type RunDetail } from "../../src/engine/read.ts";
import { signalRun } from "../../src/engine/runs.ts";
import { buildReport } from "../../src/evidence/index.ts";
import {
  clientStacks,
  onboardingOf,
  startStackEmulators,
  type ClientStack,
  type StackEmulators,
} from "../support/client-stacks.ts";
import { waitForStatus } from "../support/engine-helpers.ts";
import { productStack, type ProductStack } from "../support/product-stack.ts";
import { asStaff } from "../support/staff.ts";

/**
 * Each of the demo MSP's client stacks end to end: a Microsoft 365 tenant, a PSA, an RMM and a
 * documentation system, every one a real connector talking HTTP to its emulator, one product worker for
 * all three clients. What a run did is read back from the emulators (the vendors' own records), never
 * from what the run says of itself. A fourth client with Microsoft 365 only plans none of the RMM or
 * documentation steps.
 */
const done = ["completed", "completed-with-warnings", "failed", "cancelled"] as const;

/**
 * The RMM and documentation steps of each run, by step key, each with the line the ticket's log must
 * have for it (the step's own words, after the elapsed time). A step added to the built-in workflows is
 * one more entry here.
 */
const onboardingLines: Record<string, (upn: string, s: ClientStack) => RegExp> = {
  "rmm-user": (upn, s) =>
    s.view.rmmKeepsEndUsers
      ? new RegExp(`Created RMM user entry for ${escaped(upn)} in `)
      : /Skipped Create RMM user entry for .+: /,
  "rmm-device": (upn, s) => new RegExp(`Assigned .*${escaped(s.serial)}.* to ${escaped(upn)} in `),
  "docs-person": (upn) => new RegExp(`Updated documentation in [^:]+: added .*\\(${escaped(upn)}\\)`),
};
const offboardingLines: Record<string, (upn: string, s: ClientStack) => RegExp> = {
  "rmm-devices": (upn, s) =>
    new RegExp(
      `Released .*${escaped(s.serial)}.* from ${escaped(upn)} in [^;]+; to collect: .*${escaped(s.serial)}`,
    ),
  "rmm-user": (upn, s) =>
    s.view.rmmKeepsEndUsers
      ? new RegExp(`Removed RMM user entry for ${escaped(upn)} from `)
      : /Skipped Remove RMM user entry: /,
  "docs-person": (upn) => new RegExp(`Updated documentation in [^:]+: ${escaped(upn)} marked as former`),
};

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

let emu: StackEmulators;
let stacks: ClientStack[];
let product: ProductStack;

before(async () => {
  emu = await startStackEmulators("fast");
  stacks = clientStacks(emu);
  product = await productStack({
    registry: connectors,
    credentials: stacks.flatMap((s) => s.credentials),
    client: stacks[0]!.config,
    others: [
      ...stacks.slice(1).map((s) => s.config),
      // Microsoft 365 and nothing else: Acme's tenant under another client.
      {
        ...stacks[0]!.config,
        id: "m365-only",
        displayName: "Microsoft 365 only",
        systems: Object.fromEntries(
          Object.entries(stacks[0]!.config.systems as Record<string, { connector: string }>).filter(
            ([, sys]) => ["msgraph", "exchange-online"].includes(sys.connector),
          ),
        ),
      },
    ],
  });
});

after(async () => {
  await product?.close();
  await emu?.close();
});

async function submit(kind: "onboard" | "offboard", body: Record<string, unknown>): Promise<string> {
  const res = await product.submit(kind, body, String(body.requester));
  assert.ok(res.ok, JSON.stringify(!res.ok && res.errors));
  return res.value.runId!;
}

async function finished(runId: string): Promise<RunDetail> {
  await waitForStatus(product.store, runId, [...done], 60_000);
  return getRun(product.store, runId);
}

const steps = (run: RunDetail) =>
  JSON.stringify(
    run.actions.map((a) => [a.key, a.state, a.outcome]),
    null,
    1,
  );

/** The run's log on its ticket, as the PSA holds it: the note that carries the log's marker. */
function logOf(s: ClientStack, run: RunDetail): string {
  const opened = run.actions.find((a) => a.type === "psa.open-ticket")?.outcome;
  const ticketId = opened && "data" in opened ? String(opened.data?.ticketId) : undefined;
  assert.ok(ticketId, `the run opened its ticket: ${steps(run)}`);
  const logs = s.view.notes(ticketId).filter((n) => n.includes(`${run.id}:psa-log`));
  assert.equal(logs.length, 1, `one log of the run on ticket ${ticketId}`);
  return logs[0]!;
}

/** Each step of `lines` is in the run's plan, and the run's log on its ticket has its line. */
function assertLogged(
  run: RunDetail,
  lines: Record<string, (upn: string, s: ClientStack) => RegExp>,
  upn: string,
  s: ClientStack,
) {
  const log = logOf(s, run);
  const timed = log.split(/\r?\n/).filter((l) => /^\d+:\d\d /.test(l));
  for (const [key, pattern] of Object.entries(lines)) {
    assert.ok(
      run.actions.some((a) => a.key === key),
      `${key} is planned: ${steps(run)}`,
    );
    const re = pattern(upn, s);
    assert.ok(
      timed.some((l) => re.test(l)),
      `the log has a line for ${key} matching ${re}:\n${log}`,
    );
  }
}

for (const index of [0, 1, 2]) {
  const s = () => stacks[index]!;
  const name = [
    "acme: HaloPSA, NinjaOne, IT Glue",
    "globex: ConnectWise, Datto RMM, Hudu",
    "initech: Autotask, NinjaOne, Hudu",
  ][index]!;

  describe(`${name}: onboarding and offboarding end to end`, () => {
    let upn: string;

    test("the onboarding leaves one end user owning the named device, one person documented, one PSA contact, and logs them", async () => {
      const stack = s();
      const runId = await submit("onboard", onboardingOf(stack, { firstName: "Nora", lastName: "Neumann" }));
      const run = await finished(runId);
      assert.equal(run.status, "completed", steps(run));
      upn = run.subject;
      assert.equal(upn.split("@")[1], stack.domain);
      const user = emu.m365.admin.user(stack.tenantId, upn);
      assert.equal(user.displayName, "Nora Neumann", "the tenant has the user");

      const v = stack.view;
      if (v.rmmKeepsEndUsers) assert.equal(v.endUsers(upn), 1, "one end user in the RMM");
      assert.equal(v.deviceOwner(stack.serial), upn, "the device is theirs in the RMM");
      assert.equal(v.ownerWrites(stack.serial), 1, "the owner written once");
      assert.deepEqual(
        v.docsPeople(upn).map((p) => p.retired),
        [false],
        "one person in the documentation, not retired",
      );
      assert.equal(v.docsCreates(), 1, "the documentation was asked to create once");
      assert.deepEqual(
        v.psaContacts(upn).map((c) => c.active),
        [true],
        "one active contact in the PSA",
      );
      assertLogged(run, onboardingLines, upn, stack);
    });

    test("the offboarding, approved by the manager, frees the device and lists it for collection, retires the person with the licences released, and verifies", async () => {
      const stack = s();
      assert.ok(upn, "the onboarding above ran");
      const runId = await submit("offboard", {
        client: stack.client,
        user: upn,
        lastDay: "now",
        requester: `hr@${stack.domain}`,
      });
      await waitForStatus(product.store, runId, ["awaiting-approval"]);
      const pending = await getRun(product.store, runId);
      await signalRun(product.store, runId, {
        kind: "approve",
        by: asStaff(stack.manager),
        planHash: pending.planHash,
      });
      const run = await finished(runId);
      assert.equal(run.status, "completed", steps(run));
      const state = (key: string) => run.actions.find((a) => a.key === key)?.state;
      assert.equal(state("verify-no-access"), "succeeded", steps(run));

      const v = stack.view;
      if (v.rmmKeepsEndUsers) assert.equal(v.endUsers(upn), 0, "the end user is gone from the RMM");
      assert.equal(v.deviceOwner(stack.serial), undefined, "the device has no owner in the RMM");
      const people = v.docsPeople(upn);
      assert.deepEqual(
        people.map((p) => p.retired),
        [true],
        "the one person in the documentation is retired",
      );
      for (const sku of stack.licences.released)
        assert.match(people[0]!.note, new RegExp(`Licences released: .*\\b${sku}\\b`));

      const report = await buildReport(product.store, runId);
      assert.deepEqual(
        report.billing.licensesRecovered.map((l) => l.skuPartNumber).sort(),
        [...stack.licences.released].sort(),
        "every seat freed is billed back, those through a group too",
      );
      const collect = report.beforeState.filter((c) => c.step === "rmm-devices");
      assert.equal(collect.length, 1, JSON.stringify(report.beforeState));
      assert.equal(collect[0]!.what, "RMM devices (to collect)");
      assert.ok(
        collect[0]!.items.some((i) => i.includes(stack.serial)),
        `the report lists ${stack.serial} for collection: ${JSON.stringify(collect[0])}`,
      );
      assertLogged(run, offboardingLines, upn, stack);
    });
  });
}

test("a client with no RMM and no documentation system plans none of their steps", async () => {
  const dry = async (kind: "onboard" | "offboard", body: Record<string, unknown>, client: string) => {
    const res = await submitRequest(
      product.store,
      kind,
      { client, requester: "hr@acmecorp.com", ...body },
      {
        actor: "hr@acmecorp.com",
        dryRun: true,
        live: async (c) => liveStateOf(await product.resolve(c)),
        registry: connectors,
      },
    );
    assert.ok(res.ok, JSON.stringify(!res.ok && res.errors));
    return res.value.plan.actions.map((a) => a.type);
  };
  const onboarding = {
    firstName: "Paul",
    lastName: "Plain",
    department: "Marketing",
    deviceSerial: "X1",
    start: "now",
  };
  const offboarding = { user: "tom.williams@acmecorp.com", lastDay: "now" };
  const ours = (types: string[]) => types.filter((t) => t.startsWith("rmm.") || t.startsWith("docs."));
  // The same requests at Acme, which has both, plan them: the check below is not empty by accident.
  assert.ok(ours(await dry("onboard", onboarding, "acme")).length >= 3);
  assert.ok(ours(await dry("offboard", offboarding, "acme")).length >= 3);
  assert.deepEqual(ours(await dry("onboard", onboarding, "m365-only")), []);
  assert.deepEqual(ours(await dry("offboard", offboarding, "m365-only")), []);
});
