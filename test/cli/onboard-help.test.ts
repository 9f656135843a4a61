import type { PlanFinding } from "../../src/domain/plan.ts";
import assert from "node:assert/strict";
import { test } from "node:test";
import type { LifecycleApi } from "../../src/cli/api.ts";
import type { CliContext } from "../../src/cli/commands/context.ts";
import { runCli } from "../../src/cli/program.ts";
import { wrapped } from "../../src/cli/render.ts";
import type { Submission } from "../../src/composition/submit.ts";
import { usernameRules } from "../../src/domain/username-rule.ts";

const unused = () => Promise.reject(new Error("not used by this test"));

/** An API that answers a dry run with `submission` and nothing else. */
function dryRunApi(submission: Submission & { findings?: unknown }): LifecycleApi {
  return {
    listClients: unused,
    getClient: unused,
    saveClient: unused,
    submit: async () => submission,
    listRuns: unused,
    getRun: unused,
    cancel: unused,
    retry: unused,
    approve: unused,
    reject: unused,
    links: unused,
    reissueLink: unused,
    setCredential: unused,
    listCredentials: unused,
    removeCredential: unused,
    workflow: unused,
    workflowOverlay: unused,
    saveWorkflow: unused,
    checkWorkflow: unused,
    workflowHistory: unused,
    runReport: unused,
    verifyAudit: unused,
    auditCheckpoint: unused,
    follow: unused,
    listStaff: unused,
    addStaff: unused,
    disableStaff: unused,
    staffSignInLink: unused,
    createToken: unused,
    listTokens: unused,
    revokeToken: unused,
    bulkUpload: unused,
    bulkSubmit: unused,
    bulkApprove: unused,
    bulkReject: unused,
    bulkBatch: unused,
    close: async () => undefined,
  };
}

async function cli(api: LifecycleApi, ...argv: string[]) {
  const out: string[] = [];
  const ctx: CliContext = {
    env: {},
    actor: "tech@msp.example",
    out: (t) => out.push(t),
    err: (t) => out.push(t),
    setExitCode: () => undefined,
    connect: async () => api,
  };
  const code = await runCli(argv, ctx);
  return { code, out: out.join("\n") };
}

const submission: Submission = {
  request: {} as Submission["request"],
  plan: {
    actions: [
      {
        key: "create-user",
        type: "identity.create-user",
        title: "Create the user",
        params: {},
        deps: [],
        required: true,
        tenant: "t",
        api: "graph",
      },
    ],
  },
  planHash: "abc123",
  dryRun: true,
  findings: [],
};
const rule = '{first}.{last} from "Zoë de la Cruz": ë→e, particle "de la" joined';
const findings: PlanFinding[] = [{ field: "username", severity: "info", message: rule }];
const dryRun = ["onboard", "--client", "acme", "--first-name", "Zoë", "--last-name", "de la Cruz", "--now"];

test("lifecycle onboard --help states every username rule after the flags", async () => {
  const { code, out } = await cli(dryRunApi(submission), "onboard", "--help");
  assert.equal(code, 0);
  const flat = out.replace(/\s+/g, " ");
  assert.ok(flat.indexOf("--first-name") < flat.indexOf("Usernames"), "the rules come after the flags");
  for (const r of usernameRules) assert.ok(flat.includes(r), `--help lacks: ${r}`);
  for (const line of out.slice(out.indexOf("Usernames")).split("\n")) assert.ok(line.length <= 100, line);
});

test("a dry run prints the submission's findings under the plan", async () => {
  const { out } = await cli(dryRunApi({ ...submission, findings }), ...dryRun, "--dry-run");
  assert.match(out, /create-user/);
  assert.match(
    out,
    /plan hash abc123\n\npre-flight\nSEVERITY +FIELD +FINDING\ninfo +username +\{first\}\.\{last\} from "Zoë/,
  );
});

test("a dry run without findings says the pre-flight found nothing, and --json carries the findings", async () => {
  const plain = await cli(dryRunApi(submission), ...dryRun, "--dry-run");
  assert.doesNotMatch(plain.out, /SEVERITY/);
  assert.match(plain.out, /pre-flight: nothing to report/);
  const json = await cli(dryRunApi({ ...submission, findings }), ...dryRun, "--dry-run", "--json");
  assert.deepEqual((JSON.parse(json.out) as { findings: unknown }).findings, findings);
});

test("wrapped breaks at words within the width and indents the continuation", () => {
  assert.equal(wrapped("aaa bbb ccc ddd", 9, "- ", "  "), "- aaa bbb\n  ccc ddd");
  assert.equal(wrapped("short", 80, "- "), "- short");
});
