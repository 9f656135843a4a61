import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CliError } from "../../src/cli/api.ts";
import { directApi } from "../../src/cli/direct-api.ts";
import { requestForms } from "../../src/requests/index.ts";
import { kebab, type Fields } from "../../src/requests/kit/field.ts";
import type { CliContext } from "../../src/cli/commands/context.ts";
import { runCli } from "../../src/cli/program.ts";
import { sqlStepQueue } from "../../src/engine/sql-step-queue.ts";
import { createWorker, type Worker } from "../../src/engine/worker.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import type { LiveState } from "../../src/planner/index.ts";
import { acmeClient } from "../support/engine-helpers.ts";
import { startCountingService, type CountingService } from "../support/counting-service.ts";
import { effectCatalog, type TestCaps } from "../support/test-actions.ts";

const planTypes = [
  "identity.create-user",
  "identity.set-manager",
  "identity.issue-temporary-access-pass",
  "groups.add-member",
  "licensing.assign-license",
  "mail.wait-for-mailbox",
  "mail.set-signature",
  "notify.welcome-email",
  "identity.revoke-sessions",
  "identity.reset-password",
  "identity.disable-sign-in",
  "identity.remove-mfa-methods",
  "mail.hide-from-address-list",
  "mail.remove-mobile-devices",
  "mail.convert-to-shared",
  "groups.remove-all-memberships",
  "licensing.remove-all-licenses",
  "notify.supervisor",
  "verify.no-access-remains",
];

/** One flag (and a value) per field, through groups, so a field without a flag is noticed. */
function oneFlagPerField(fields: Fields): string[] {
  return Object.entries(fields).flatMap(([key, field]) => {
    if (field.fields) return oneFlagPerField(field.fields);
    const [flag] = field.cli(field.flag ?? kebab(key)).flags;
    assert.ok(flag, `${key} has no flag`);
    if (field.kind === "date-time") return ["--now"];
    if (field.kind === "custom-fields") return [`--${flag.name}`, "key=value"];
    if (!flag.value) return [`--${flag.name}`];
    return [`--${flag.name}`, flag.choices?.[0] ?? "x"];
  });
}

/** The product page's new hire, as CLI flags. */
const sarahJohnson = [
  "onboard",
  "--client",
  "acme",
  "--first-name",
  "Sarah",
  "--last-name",
  "Johnson",
  "--department",
  "Marketing",
];

describe("the lifecycle CLI", () => {
  let store: Store;
  let service: CountingService;
  let worker: Worker;

  const cli = async (...argv: string[]) => cliWith(undefined, ...argv);
  const cliWith = async (live: LiveState | undefined, ...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const ctx: CliContext = {
      env: {},
      actor: "tech@msp.example",
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      setExitCode: () => undefined,
      // The store stays open across commands; closing the API must not close it.
      connect: async () => ({
        ...directApi(store, live && { live: () => live }),
        close: async () => undefined,
      }),
    };
    const code = await runCli(argv, ctx);
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
  const count = async (table: string) =>
    (await store.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n;

  before(async () => {
    store = await openStore({});
    await upsertClient(store, acmeClient());
    service = await startCountingService();
    worker = createWorker<TestCaps>({
      queue: sqlStepQueue(store),
      catalog: effectCatalog(planTypes),
      capabilities: () => ({ serviceUrl: service.url }),
      tuning: { idleMs: 50, pollMs: 20 },
    });
    await worker.start();
  });
  after(async () => {
    await worker.stop();
    await service.close();
    await store.close();
  });

  test("clients list --json prints the clients as JSON", async () => {
    const r = await cli("clients", "list", "--json");
    assert.equal(r.code, 0);
    assert.deepEqual(
      (JSON.parse(r.out) as { id: string }[]).map((c) => c.id),
      ["acme"],
    );
  });

  test("onboard --dry-run prints the plan and stores nothing", async () => {
    const before = await count("runs");
    const r = await cli(
      ...sarahJohnson,
      "--role",
      "staff",
      "--manager",
      "mike.chen@acmecorp.com",
      "--now",
      "--dry-run",
      "--json",
    );
    assert.equal(r.code, 0, r.err);
    const plan = JSON.parse(r.out) as {
      dryRun: boolean;
      plan: { actions: { key: string; params: Record<string, unknown> }[] };
    };
    assert.equal(plan.dryRun, true);
    assert.deepEqual(
      plan.plan.actions.map((a) => a.key),
      [
        "create-user",
        "set-manager",
        "group:Marketing",
        "group:All-Staff",
        "license:SPB",
        "mailbox-ready",
        "tap",
        "welcome-email",
      ],
    );
    assert.equal(plan.plan.actions[0]!.params.upn, "sarah.johnson@acmecorp.com");
    assert.equal(await count("runs"), before);
  });

  test("onboard --dry-run prints each pre-flight finding with its severity and field; the real run is refused", async () => {
    // A directory that knows nobody, and a tenant whose only SPB seats are taken.
    const live: LiveState = {
      isUsernameTaken: async () => false,
      findUser: async () => undefined,
      findGroup: async (name) => ({ id: `g-${name}`, displayName: name, managedBy: "directory" }),
      skus: async () => [{ skuId: "spb", skuPartNumber: "SPB", consumed: 25, enabled: 25 }],
    };
    const argv = [...sarahJohnson, "--role", "staff", "--manager", "nobody@acmecorp.com", "--now"];
    const before = await count("runs");
    const text = await cliWith(live, ...argv, "--dry-run");
    assert.equal(text.code, 2, "a dry run a real submission would refuse exits as invalid input");
    assert.match(
      text.out,
      /^error\s+manager\s+no user nobody@acmecorp\.com in the client's directory \(step set-manager\)$/m,
    );
    assert.match(text.out, /^error\s+role\s+no free SPB seats \(25 of 25 in use\)/m);
    assert.match(text.out, /2 errors: a real submission would be refused/);
    const json = await cliWith(live, ...argv, "--dry-run", "--json");
    const { findings } = JSON.parse(json.out) as { findings: { field: string; severity: string }[] };
    assert.deepEqual(
      findings.filter((f) => f.severity === "error").map((f) => f.field),
      ["manager", "role"],
    );
    const real = await cliWith(live, ...argv);
    assert.notEqual(real.code, 0);
    assert.match(real.err, /manager: no user nobody@acmecorp\.com/);
    assert.match(real.err, /role: no free SPB seats \(25 of 25 in use\)/);
    assert.equal(await count("runs"), before);
  });

  test("onboard --wait --json follows the run to the end and reports every step with its times", async () => {
    const r = await cli(...sarahJohnson, "--manager", "mike.chen@acmecorp.com", "--now", "--wait", "--json");
    assert.equal(r.code, 0, r.err);
    const run = JSON.parse(r.out) as {
      runId: string;
      status: string;
      actions: {
        key: string;
        state: string;
        startedAt: string;
        finishedAt: string;
        outcome: { kind: string };
      }[];
    };
    assert.equal(run.status, "completed");
    assert.match(run.runId, /^[0-9a-f-]{36}$/);
    for (const a of run.actions) {
      assert.equal(a.state, "succeeded", a.key);
      assert.equal(a.outcome.kind, "succeeded");
      assert.ok(Date.parse(a.finishedAt) >= Date.parse(a.startedAt));
    }
  });

  test("onboard --wait without --json prints a live timeline", async () => {
    const r = await cli(
      "onboard",
      "--client",
      "acme",
      "--first-name",
      "Tom",
      "--last-name",
      "Lee",
      "--now",
      "--wait",
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /✓ create-user/);
    assert.match(r.err, /run is completed/);
    assert.match(r.out, /status\s+completed/);
  });

  test("bad input is refused with the field named, a non-zero exit, and nothing stored", async () => {
    const before = await count("requests");
    const cases: [string[], RegExp][] = [
      [
        ["onboard", "--client", "nope", "--first-name", "A", "--last-name", "B", "--now"],
        /client: unknown client "nope"/,
      ],
      [
        [
          "onboard",
          "--client",
          "acme",
          "--first-name",
          "A",
          "--last-name",
          "B",
          "--start",
          "2020-01-01T09:00",
        ],
        /start: .*past/,
      ],
      [
        [
          "onboard",
          "--client",
          "acme",
          "--first-name",
          "A",
          "--last-name",
          "B",
          "--start",
          "2030-01-01T09:00",
          "--now",
        ],
        /either --start or --now/,
      ],
      [["onboard", "--client", "acme", "--first-name", "A", "--last-name", "B"], /--start .* or --now/],
      [
        ["onboard", "--client", "acme", "--first-name", "A", "--last-name", "B", "--now", "--role", "ceo"],
        /role/,
      ],
      [["onboard", "--client", "acme", "--first-name", "A", "--now"], /last-name/],
      [["offboard", "--client", "acme", "--user", "x@elsewhere.com", "--now"], /user/],
      [
        [
          "offboard",
          "--client",
          "acme",
          "--user",
          "x@acmecorp.com",
          "--now",
          "--delete-user",
          "--convert-to-shared",
        ],
        /deleteUser|convertToShared/,
      ],
      [["runs", "list", "--limit", "0"], /limit/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(...argv);
      assert.notEqual(r.code, 0, argv.join(" "));
      assert.match(r.err, message, argv.join(" "));
    }
    assert.equal(await count("requests"), before);
  });

  test("an offboarding the manager approves cannot be approved from the CLI: it is not the manager", async () => {
    // The directory names Tom's manager, so the plan asks Mike, and only Mike.
    const live: LiveState = { managerOf: async () => "mike.chen@acmecorp.com" };
    const r = await cliWith(
      live,
      "offboard",
      "--client",
      "acme",
      "--user",
      "tom.williams@acmecorp.com",
      "--now",
      "--require-approval",
      "--json",
    );
    assert.equal(r.code, 0, r.err);
    const { runId, status, planHash } = JSON.parse(r.out) as {
      runId: string;
      status: string;
      planHash: string;
    };
    assert.equal(status, "awaiting-approval");
    const a = await cli("approve", runId, "--plan-hash", planHash);
    assert.equal(a.code, 6, a.err);
    assert.match(a.err, /local-operator@lifecycle\.invalid is not one who may approve this run/);
    const shown = await cli("runs", "show", runId, "--json");
    assert.equal((JSON.parse(shown.out) as { status: string }).status, "awaiting-approval");
    assert.equal((await cli("runs", "cancel", runId)).code, 0);
  });

  test("an offboarding staff approve waits, then runs once approved from the CLI, for the plan shown", async () => {
    await upsertClient(store, {
      ...acmeClient(),
      approval: { ...acmeClient().approval, offboarding: "technician" },
    });
    try {
      const r = await cli(
        "offboard",
        "--client",
        "acme",
        "--user",
        "tom.williams@acmecorp.com",
        "--now",
        "--json",
      );
      assert.equal(r.code, 0, r.err);
      const { runId, status, planHash } = JSON.parse(r.out) as {
        runId: string;
        status: string;
        planHash: string;
      };
      assert.equal(status, "awaiting-approval");
      const bare = await cli("approve", runId);
      assert.notEqual(bare.code, 0, "the plan hash is required");
      assert.match(bare.err, /--plan-hash/);
      const a = await cli("approve", runId, "--plan-hash", planHash, "--note", "ok by the MSP");
      assert.equal(a.code, 0, a.err);
      const shown = await cli("runs", "show", runId, "--wait", "--json");
      assert.equal(shown.code, 0, shown.err);
      const run = JSON.parse(shown.out) as { status: string; actions: { key: string }[] };
      assert.equal(run.status, "completed");
      assert.ok(run.actions.some((x) => x.key === "verify-no-access"));
      // Approving again answers as the first time; rejecting now is a conflict.
      assert.equal((await cli("approve", runId, "--plan-hash", planHash)).code, 0);
      assert.equal((await cli("reject", runId)).code, 4);
    } finally {
      await upsertClient(store, acmeClient());
    }
  });

  for (const kind of ["onboard", "offboard"] as const) {
    test(`every field of the ${kind} form has a flag that reaches the submitted body`, async () => {
      let body: Record<string, unknown> | undefined;
      const ctx: CliContext = {
        env: {},
        actor: "tech@msp.example",
        out: () => undefined,
        err: () => undefined,
        setExitCode: () => undefined,
        connect: async () => ({
          ...directApi(store),
          submit: async (_kind, submitted) => {
            body = submitted;
            throw new CliError("captured", 1);
          },
          close: async () => undefined,
        }),
      };
      const form = requestForms[kind];
      assert.equal(await runCli([kind, ...oneFlagPerField(form.fields)], ctx), 1);
      assert.ok(body, "nothing was submitted");
      assert.deepEqual(Object.keys(body).sort(), Object.keys(form.fields).sort());
      for (const [key, field] of Object.entries(form.fields)) {
        if (field.fields)
          assert.deepEqual(Object.keys(body[key] as object).sort(), Object.keys(field.fields).sort(), key);
      }
    });
  }

  test("runs list, show, cancel and retry answer with exit codes by kind", async () => {
    const r = await cli(
      "onboard",
      "--client",
      "acme",
      "--first-name",
      "Ann",
      "--last-name",
      "Later",
      "--start",
      "2031-06-01T09:00",
      "--json",
    );
    const { runId, status } = JSON.parse(r.out) as { runId: string; status: string };
    assert.equal(status, "scheduled");
    const list = await cli("runs", "list", "--status", "scheduled", "--json");
    assert.ok((JSON.parse(list.out) as { id: string }[]).some((x) => x.id === runId));
    assert.equal((await cli("runs", "cancel", runId)).code, 0);
    assert.equal((await cli("runs", "cancel", runId)).code, 4);
    assert.equal((await cli("runs", "retry", runId)).code, 4);
    assert.equal((await cli("runs", "show", "not-a-run")).code, 2);
    assert.equal((await cli("runs", "show", "00000000-0000-4000-8000-000000000000")).code, 3);
  });
});
