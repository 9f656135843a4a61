import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { liveStateOf, submitRequest } from "../../src/composition/index.ts";
import { connectors } from "../../src/connectors/registry.ts";
import type { PlanFinding } from "../../src/domain/plan.ts";
import { memoryDirectoryConnector } from "../support/connectors/memory-directory/module.ts";
import {
  memoryPsaCompanies,
  memoryPsaConnector,
  memoryPsaState,
  type MemoryPsaState,
} from "../support/connectors/memory-psa/module.ts";
import { productStack, type ProductStack } from "../support/product-stack.ts";

/**
 * What the pre-flight reads beyond the directory: the ticket a request names, and whether the client has a
 * system for every step the plan holds. A typo'd ticket number or a client set up without a directory is
 * said in the dry run, before anything is stored.
 */
const registry = [...connectors, memoryDirectoryConnector, memoryPsaConnector];
const credentials = [{ ref: "initech/memory", kind: "memory-token", value: { token: "not-a-real-token" } }];
const tickets = { connector: "memory-psa", company: "initech-preflight" };
const base = {
  displayName: "Initech LLC",
  domains: ["initech.com"],
  timeZone: "America/Chicago",
  usageLocation: "US",
  mail: { sendMailFrom: "it@initech.com" },
};

let psa: MemoryPsaState;
let full: ProductStack;
let psaOnly: ProductStack;

before(async () => {
  psa = memoryPsaState({ tickets: ["48291", "48292"] });
  psa.tickets[1]!.closed = true;
  memoryPsaCompanies.set("initech-preflight", psa);
  full = await productStack({
    registry,
    credentials,
    client: {
      ...base,
      id: "initech",
      systems: {
        directory: {
          connector: "memory-directory",
          tenant: "initech-preflight",
          credential: "initech/memory",
        },
        tickets,
      },
    },
  });
  psaOnly = await productStack({
    registry,
    credentials,
    client: { ...base, id: "initech", systems: { tickets } },
  });
});

after(async () => {
  await full?.close();
  await psaOnly?.close();
});

const peter = {
  client: "initech",
  requester: "hr@initech.com",
  start: "now",
  firstName: "Peter",
  lastName: "Gibbons",
};
const runs = async (s: ProductStack) =>
  (await s.store.query<{ n: number }>("select count(*)::int as n from runs"))[0]!.n;

async function dryRun(s: ProductStack, body: Record<string, unknown>): Promise<PlanFinding[]> {
  const r = await submitRequest(s.store, "onboard", body, {
    actor: "hr@initech.com",
    dryRun: true,
    live: async (c) => liveStateOf(await s.resolve(c)),
    registry,
  });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  assert.equal(r.value.dryRun, true);
  return r.value.findings;
}

const onTicket = (fs: PlanFinding[]) =>
  fs.filter((f) => f.field === "ticket").map((f) => [f.severity, f.message, f.step]);

test("the ticket a request names is read in the PSA: found, missing (waited for) or closed", async () => {
  assert.deepEqual(onTicket(await dryRun(full, { ...peter, ticket: "#48291" })), [
    ["info", 'ticket #48291: "Ticket 48291"', "psa-ticket"],
  ]);
  assert.deepEqual(onTicket(await dryRun(full, { ...peter, ticket: "99999" })), [
    [
      "warning",
      "ticket #99999 is not in the PSA: the run waits up to 30 min for it, then goes on without notes on a ticket",
      "psa-ticket",
    ],
  ]);
  assert.deepEqual(onTicket(await dryRun(full, { ...peter, ticket: "48292" })), [
    [
      "warning",
      'ticket #48292 ("Ticket 48292") is closed: the run opens a new ticket that names it',
      "psa-ticket",
    ],
  ]);
  assert.deepEqual(onTicket(await dryRun(full, peter)), [], "no ticket named, nothing to read");
});

test("a PSA that does not answer leaves the ticket not checked, never found", async () => {
  psa.down = true;
  try {
    const [finding, ...more] = onTicket(await dryRun(full, { ...peter, ticket: "48291" }));
    assert.equal(more.length, 0);
    assert.equal(finding?.[0], "warning");
    assert.match(String(finding?.[1]), /^ticket #48291 not checked: the PSA did not answer/);
  } finally {
    psa.down = false;
  }
});

test("a client with no system for a required step is refused naming the step and what it needs", async () => {
  const findings = await dryRun(psaOnly, peter);
  const errors = findings.filter((f) => f.severity === "error");
  assert.deepEqual(
    errors.find((f) => f.step === "create-user"),
    {
      field: "client.systems",
      severity: "error",
      step: "create-user",
      message:
        "create-user (identity.create-user) needs the identity directory, and none of Initech LLC's systems provides it: add a system to the client or remove the step from its workflow",
    },
  );
  // The PSA's own steps have their system: only what the client lacks is named.
  assert.deepEqual(
    findings.filter((f) => f.step?.startsWith("psa-")),
    [],
  );
  const before = await runs(psaOnly);
  const real = await psaOnly.submit("onboard", peter);
  assert.ok(!real.ok, "refused");
  assert.ok(real.errors.some((e) => e.field === "client.systems" && e.message.startsWith("create-user ")));
  assert.equal(await runs(psaOnly), before, "nothing is stored");
  // With its directory the same request is accepted.
  const accepted = await full.submit("onboard", peter);
  assert.ok(accepted.ok, JSON.stringify(!accepted.ok && accepted.errors));
});
