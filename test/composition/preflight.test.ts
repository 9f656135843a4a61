import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { liveStateOf } from "../../src/composition/live-state.ts";
import { submitRequest, type Submission } from "../../src/composition/submit.ts";
import type { PlanFinding } from "../../src/domain/plan.ts";
import type { FieldError, Result } from "../../src/domain/result.ts";
import type { Capabilities } from "../../src/ports/index.ts";
import { parseClient } from "../../src/composition/index.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import {
  acme,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../../emulators/microsoft365/index.ts";
import { acmeCapabilities, demoAcme } from "../support/microsoft.ts";

const tenant = acme.tenantId;

/**
 * The pre-flight through submission, against the emulated Acme tenant: what the dry run shows, and that
 * the same request submitted for real stores nothing when a finding is an error.
 */
describe("pre-flight against the emulated Acme tenant", () => {
  let m365: Microsoft365Emulator;
  let caps: Capabilities;
  let store: Store;

  before(async () => {
    store = await openStore({});
    m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
    caps = acmeCapabilities(m365);
  });
  beforeEach(async () => {
    await upsertClient(store, demoAcme());
    m365.admin.setSeats(tenant, "SPB", 25);
  });
  after(async () => {
    await m365?.close();
    await store?.close();
  });

  const runs = async () => (await store.query<{ n: number }>("select count(*)::int as n from runs"))[0]!.n;

  const submit = (
    kind: "onboard" | "offboard",
    body: Record<string, unknown>,
    dryRun: boolean,
    live: Capabilities = caps,
  ): Promise<Result<Submission>> =>
    submitRequest(
      store,
      kind,
      {
        client: "acme",
        requester: "hr@acmecorp.com",
        ...(kind === "onboard" ? { start: "now" } : {}),
        ...body,
      },
      { actor: "test", dryRun, live: () => liveStateOf(live) },
    );

  // Submitted for real more than once here: each is meant as its own run.
  const sarah = {
    firstName: "Sarah",
    lastName: "Johnson",
    department: "Marketing",
    manager: "mike.chen@acmecorp.com",
    allowDuplicate: true,
  };

  /** The dry run's findings, and the real submission's refusal, with nothing stored by either. */
  async function refused(
    body: Record<string, unknown>,
    kind: "onboard" | "offboard" = "onboard",
  ): Promise<{ findings: PlanFinding[]; errors: FieldError[] }> {
    const before = await runs();
    const dry = await submit(kind, body, true);
    assert.ok(dry.ok, JSON.stringify(!dry.ok && dry.errors));
    const real = await submit(kind, body, false);
    assert.ok(!real.ok, "the real submission is refused");
    assert.equal(await runs(), before, "nothing is stored");
    const findings = dry.value.findings;
    // What refuses the submission is exactly what the dry run showed as errors.
    assert.deepEqual(
      real.errors,
      findings.filter((f) => f.severity === "error").map(({ field, message }) => ({ field, message })),
    );
    return { findings, errors: real.errors };
  }

  test("the README's demo onboarding passes pre-flight and shows the seat it takes", async () => {
    const before = await runs();
    const dry = await submit("onboard", { ...sarah, sharedMailboxes: ["helpdesk@acmecorp.com"] }, true);
    assert.ok(dry.ok, JSON.stringify(!dry.ok && dry.errors));
    // What the client has no system for is said too (and tested in the planner's own tests).
    assert.deepEqual(
      dry.value.findings
        .filter((f) => f.field !== "client.systems")
        .map((f) => [f.severity, f.field, f.message]),
      [
        ["info", "username", 'sarah.johnson@acmecorp.com: {first}.{last} from "Sarah Johnson"'],
        // M365-Business-Premium licenses its members: the department brings an SPB seat.
        ["info", "department", "SPB: 2 of 25 in use, 23 free"],
      ],
    );
    const real = await submit("onboard", sarah, false);
    assert.ok(real.ok, JSON.stringify(!real.ok && real.errors));
    assert.equal(await runs(), before + 1);
  });

  test("an unknown manager is refused before the user is created", async () => {
    const { errors } = await refused({ ...sarah, manager: "nobody@acmecorp.com" });
    assert.deepEqual(errors, [
      { field: "manager", message: "no user nobody@acmecorp.com in the client's directory" },
    ]);
    assert.throws(() => m365.admin.user(tenant, "sarah.johnson@acmecorp.com"));
  });

  test("an unknown copy-from user is refused", async () => {
    const { errors } = await refused({ ...sarah, copyFrom: "ghost@acmecorp.com" });
    assert.deepEqual(errors, [
      { field: "copyFrom", message: "copy-from user ghost@acmecorp.com is not in the client's directory" },
    ]);
  });

  test("an unknown group and an unknown distribution list are refused on their entries", async () => {
    const { errors } = await refused({
      ...sarah,
      extraGroups: ["Announcements", "No-Such-Group", "nolist@acmecorp.com", "announcements@acmecorp.com"],
    });
    assert.deepEqual(errors, [
      { field: "extraGroups.1", message: 'no group "No-Such-Group" in the client\'s directory' },
      {
        field: "extraGroups.2",
        message: "no group or distribution list nolist@acmecorp.com in the client's directory",
      },
    ]);
  });

  test("an unknown shared mailbox is refused", async () => {
    const { errors } = await refused({
      ...sarah,
      sharedMailboxes: ["helpdesk@acmecorp.com", "gone@acmecorp.com"],
    });
    assert.deepEqual(errors, [
      { field: "sharedMailboxes.1", message: "no mailbox gone@acmecorp.com in the client's mail system" },
    ]);
  });

  test("an unknown department is refused, or shown as a warning where the client's config says so", async () => {
    const { errors } = await refused({ ...sarah, department: "Marketting" });
    assert.deepEqual(
      errors.map((e) => e.field),
      ["department"],
    );
    const lenient = parseClient({ ...demoAcme(), preflight: { unknownDepartment: "warning" } });
    assert.ok(lenient.ok);
    await upsertClient(store, lenient.value);
    const dry = await submit("onboard", { ...sarah, department: "Marketting" }, true);
    assert.ok(dry.ok);
    assert.deepEqual(
      dry.value.findings.filter((f) => f.field === "department").map((f) => f.severity),
      ["warning"],
    );
    const real = await submit("onboard", { ...sarah, department: "Marketting" }, false);
    assert.ok(real.ok, JSON.stringify(!real.ok && real.errors));
    assert.ok(real.value.runId);
  });

  test("an unknown role is refused", async () => {
    const { errors } = await refused({ ...sarah, role: "ceo" });
    assert.deepEqual(
      errors.map((e) => e.field),
      ["role"],
    );
  });

  test("a role whose SKU the tenant lacks is refused naming it", async () => {
    const { errors } = await refused({ ...sarah, role: "frontline" });
    assert.deepEqual(errors, [{ field: "role", message: "the tenant has no subscription SPE_F1" }]);
  });

  test("no free seat with whenNoSeat fail: refused naming the SKU and how many are in use", async () => {
    m365.admin.setSeats(tenant, "SPB", 2); // Mike and Tom hold both
    const { errors } = await refused({ firstName: "Nora", lastName: "Seat", role: "staff" });
    assert.deepEqual(errors, [
      {
        field: "role",
        message: "no free SPB seats (2 of 2 in use); buy one or free one, then submit again",
      },
    ]);
  });

  test("no free seat through a licence-assigning group is refused on the department", async () => {
    m365.admin.setSeats(tenant, "SPB", 2);
    const { errors } = await refused(sarah);
    assert.deepEqual(errors, [
      {
        field: "department",
        message:
          "no free SPB seats (2 of 2 in use) through the group M365-Business-Premium; buy one or free one, then submit again",
      },
    ]);
  });

  test("no free seat with whenNoSeat wait: the plan says it will wait for that SKU, and the run is stored", async () => {
    m365.admin.setSeats(tenant, "SPB", 2);
    const waiting = parseClient({ ...demoAcme(), licensing: { whenNoSeat: "wait" } });
    assert.ok(waiting.ok);
    await upsertClient(store, waiting.value);
    const body = { firstName: "Wanda", lastName: "Wait", role: "staff" };
    const dry = await submit("onboard", body, true);
    assert.ok(dry.ok);
    assert.deepEqual(
      dry.value.findings
        .filter((f) => f.field !== "username" && f.field !== "client.systems")
        .map((f) => [f.severity, f.field, f.message]),
      [["warning", "role", "will wait for a free SPB seat (2 of 2 in use)"]],
    );
    const before = await runs();
    const real = await submit("onboard", body, false);
    assert.ok(real.ok, JSON.stringify(!real.ok && real.errors));
    assert.equal(await runs(), before + 1);
  });

  test("a client without mailbox administration or licensing says what was not checked", async () => {
    const { directory } = caps;
    const dry = await submit(
      "onboard",
      { ...sarah, role: "staff", sharedMailboxes: ["gone@acmecorp.com"] },
      true,
      { directory },
    );
    assert.ok(dry.ok, JSON.stringify(!dry.ok && dry.errors));
    const notChecked = dry.value.findings.filter((f) => /not checked/.test(f.message));
    // The client's config says it has Exchange; only the ports this process was given are missing.
    assert.deepEqual(
      notChecked.map((f) => [f.severity, f.field, f.message]),
      [
        [
          "warning",
          "sharedMailboxes.0",
          "mailbox gone@acmecorp.com not checked: the client has no system for mailbox administration",
        ],
        ["warning", "role", "free licence seats not checked: the client has no system for licensing"],
      ],
    );
  });

  test("an offboarding handing the mailbox to the manager of someone with none is refused", async () => {
    const { errors } = await refused(
      { user: "mike.chen@acmecorp.com", lastDay: "now", actions: { grantAccessTo: "manager" } },
      "offboard",
    );
    assert.deepEqual(errors, [
      // Acme's offboardings are the manager's to approve, and Mike has none: nobody could approve it either.
      {
        field: "requiresApproval",
        message:
          "nobody can approve this run: the client's policy is approval by the manager, and none is left who may (see the warnings)",
      },
      {
        field: "actions.grantAccessTo",
        message: 'mike.chen@acmecorp.com has no manager in the directory: name a person instead of "manager"',
      },
    ]);
  });
});
