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
  const cliSettling = async (settleMs: number, ...argv: string[]) =>
    cliWith(undefined, ...argv, { settleMs });
  const cliWith = async (live: LiveState | undefined, ...args: (string | { settleMs: number })[]) => {
    const argv = args.filter((a): a is string => typeof a === "string");
    const settleMs = args.find((a): a is { settleMs: number } => typeof a !== "string")?.settleMs;
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
      ...(settleMs === undefined ? {} : { settleMs }),
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
      // The answer is the run once the worker has taken the approval up, not the awaiting-approval before.
      assert.match(a.out, new RegExp(`^approved; run ${runId} is now (running|waiting|completed)$`));
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
    assert.ok((JSON.parse(list.out) as { runId: string }[]).some((x) => x.runId === runId));
    assert.equal((await cli("runs", "cancel", runId)).code, 0);
    assert.equal((await cli("runs", "cancel", runId)).code, 4);
    assert.equal((await cli("runs", "retry", runId)).code, 4);
    assert.equal((await cli("runs", "show", "not-a-run")).code, 2);
    assert.equal((await cli("runs", "show", "00000000-0000-4000-8000-000000000000")).code, 3);
  });

  test("runs list and runs show name the run id runId in JSON and RUN ID in text, with the same keys", async () => {
    const r = await cli(
      "onboard",
      "--client",
      "acme",
      "--first-name",
      "Ida",
      "--last-name",
      "Ident",
      "--start",
      "2031-06-01T09:00",
      "--json",
    );
    const { runId } = JSON.parse(r.out) as { runId: string };
    try {
      const list = JSON.parse((await cli("runs", "list", "--json")).out) as Record<string, unknown>[];
      const row = list.find((x) => x.runId === runId);
      assert.ok(row, "the list names the run by runId");
      assert.equal("id" in row, false, "one name for the run id");
      const shown = JSON.parse((await cli("runs", "show", runId, "--json")).out) as Record<string, unknown>;
      assert.equal(shown.runId, runId);
      for (const key of Object.keys(row)) assert.ok(key in shown, `runs show --json lacks ${key}`);
      const text = await cli("runs", "list");
      assert.match(text.out, /^RUN ID\s+CLIENT\s+KIND/);
      assert.match((await cli("runs", "show", runId)).out, new RegExp(`^run id\\s+${runId}$`, "m"));
    } finally {
      await cli("runs", "cancel", runId);
    }
  });

  test("times are on the client's clock with its zone named; --json keeps UTC instants", async () => {
    // Acme is in America/New_York: 09:00 there on 1 June 2031 is 13:00 UTC.
    const r = await cli(
      "onboard",
      "--client",
      "acme",
      "--first-name",
      "Zoe",
      "--last-name",
      "Zone",
      "--start",
      "2031-06-01T09:00",
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /is scheduled: it starts 2031-06-01 09:00 America\/New_York$/m);
    const runId = /^run (\S+) is scheduled/.exec(r.out)?.[1];
    assert.ok(runId, r.out);
    try {
      const shown = await cli("runs", "show", runId);
      assert.match(shown.out, /^start\s+2031-06-01 09:00 America\/New_York\s+requested by/m);
      // The steps' times are on the clock the start line names: the table's header stays narrow.
      assert.match(shown.out, /^STEP\s+STATE\s+TRIES\s+STARTED\s+TOOK\s+OUTCOME$/m);
      const list = await cli("runs", "list", "--status", "scheduled");
      const line = list.out.split("\n").find((l) => l.startsWith(runId));
      assert.match(line ?? "", /2031-06-01 09:00\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s+America\/New_York$/);
      const json = JSON.parse((await cli("runs", "show", runId, "--json")).out) as { startAt: string };
      assert.equal(json.startAt, "2031-06-01T13:00:00.000Z");
      const dry = await cli(
        "onboard",
        "--client",
        "acme",
        "--first-name",
        "Zack",
        "--last-name",
        "Zone",
        "--start",
        "2031-06-01T09:00",
        "--dry-run",
      );
      assert.match(dry.out, /^starts 2031-06-01 09:00 America\/New_York$/m);
      const dryJson = JSON.parse(
        (
          await cli(
            "onboard",
            "--client",
            "acme",
            "--first-name",
            "Zack",
            "--last-name",
            "Zone",
            "--start",
            "2031-06-01T09:00",
            "--dry-run",
            "--json",
          )
        ).out,
      ) as { request: { startAt: string } };
      assert.equal(dryJson.request.startAt, "2031-06-01T13:00:00.000Z");
    } finally {
      await cli("runs", "cancel", runId);
    }
  });

  test("with --json a failure is the API's error body on stdout, its catalogued code, and its exit code", async () => {
    const errorOf = (out: string) =>
      (JSON.parse(out) as { error: { code: string; message: string; fields?: { field: string }[] } }).error;
    const invalid = await cli(
      "onboard",
      "--client",
      "nope",
      "--first-name",
      "A",
      "--last-name",
      "B",
      "--now",
      "--json",
    );
    assert.equal(invalid.code, 2);
    assert.equal(errorOf(invalid.out).code, "LC_ERR_VALIDATION");
    assert.deepEqual(
      errorOf(invalid.out).fields?.map((f) => f.field),
      ["client"],
    );
    const missing = await cli("runs", "show", "00000000-0000-4000-8000-000000000000", "--json");
    assert.equal(missing.code, 3);
    assert.equal(errorOf(missing.out).code, "LC_ERR_NOT_FOUND");
    assert.match(errorOf(missing.out).message, /no run 00000000/);
    const flag = await cli("runs", "list", "--limit", "0", "--json");
    assert.equal(flag.code, 2);
    assert.equal(errorOf(flag.out).code, "LC_ERR_VALIDATION");
    assert.deepEqual(
      errorOf(flag.out).fields?.map((f) => f.field),
      ["limit"],
    );
    const both = await cli(
      ...["onboard", "--client", "acme", "--first-name", "A", "--last-name", "B"],
      ...["--start", "2031-01-01T09:00", "--now", "--json"],
    );
    assert.equal(both.code, 2);
    assert.deepEqual(
      errorOf(both.out).fields?.map((f) => f.field),
      ["start"],
    );
    const noHash = await cli("approve", "00000000-0000-4000-8000-000000000000", "--json");
    assert.deepEqual(
      errorOf(noHash.out).fields?.map((f) => f.field),
      ["planHash"],
    );
    const r = await cli(
      "onboard",
      "--client",
      "acme",
      "--first-name",
      "Eve",
      "--last-name",
      "Error",
      "--start",
      "2031-06-01T09:00",
      "--json",
    );
    const { runId } = JSON.parse(r.out) as { runId: string };
    assert.equal((await cli("runs", "cancel", runId)).code, 0);
    const refused = await cli("runs", "cancel", runId, "--json");
    assert.equal(refused.code, 4);
    assert.equal(errorOf(refused.out).code, "LC_ERR_CONFLICT");
    // Without --json stdout stays empty and the error is for the person, on stderr.
    const plain = await cli("runs", "cancel", runId);
    assert.equal(plain.out, "");
    assert.match(plain.err, /^error: /);
  });

  test("approve answers the run still awaiting approval when no worker takes it up in time, and reject what it led to", async () => {
    await upsertClient(store, {
      ...acmeClient(),
      approval: { ...acmeClient().approval, offboarding: "technician" },
    });
    await worker.stop();
    try {
      const submitted = async () =>
        JSON.parse(
          (
            await cli(
              "offboard",
              "--client",
              "acme",
              "--user",
              "tom.williams@acmecorp.com",
              "--now",
              "--json",
            )
          ).out,
        ) as { runId: string; planHash: string };
      const first = await submitted();
      const quick = await cliSettling(100, "approve", first.runId, "--plan-hash", first.planHash);
      assert.equal(quick.code, 0, quick.err);
      assert.match(
        quick.out,
        new RegExp(`^approved; run ${first.runId} is still awaiting-approval: it goes on when a worker`),
      );
      const second = await submitted();
      await worker.start();
      const rejected = await cli("reject", second.runId, "--note", "not this one");
      assert.equal(rejected.code, 0, rejected.err);
      assert.match(rejected.out, new RegExp(`^rejected; run ${second.runId} is now (failed|cancelled)$`));
      await cli("runs", "cancel", first.runId);
    } finally {
      await worker.start().catch(() => undefined);
      await upsertClient(store, acmeClient());
    }
  });
});
