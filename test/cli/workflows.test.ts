import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parse } from "yaml";
import type { LifecycleApi } from "../../src/cli/api.ts";
import type { CliContext } from "../../src/cli/commands/context.ts";
import { directApi } from "../../src/cli/direct-api.ts";
import { httpApi } from "../../src/cli/http-api.ts";
import { runCli } from "../../src/cli/program.ts";
import { signedInServer } from "../support/signed-in.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { saveWorkflowVersion } from "../../src/store/workflows-repo.ts";
import { seedClient } from "../support/engine-helpers.ts";

const empty = { kind: "onboard", extends: "builtin:onboard@1", remove: [], add: [], patch: {} };

const financeGroup = {
  id: "finance-group",
  action: "groups.add-member",
  title: "Add to Finance-Team",
  on: "directory",
  params: { upn: "${derived.upn}", group: "Finance-Team" },
  after: ["create-user"],
};

// The same commands in-process on the store and through a server, since a technician may have either.
for (const via of ["store", "http"] as const) {
  describe(`lifecycle workflows (${via})`, () => {
    let store: Store;
    let server: Awaited<ReturnType<typeof signedInServer>> | undefined;
    let url = "";
    let dir: string;
    const file = (name: string) => join(dir, name);
    const connect = (): LifecycleApi =>
      via === "http" ? httpApi(url, server?.token) : { ...directApi(store), close: async () => undefined };

    const lifecycle = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const ctx: CliContext = {
        env: {},
        actor: "tech@msp.example",
        out: (t) => out.push(t),
        err: (t) => err.push(t),
        setExitCode: () => undefined,
        connect: async () => connect(),
      };
      const code = await runCli(argv, ctx);
      return { code, out: out.join("\n"), err: err.join("\n") };
    };
    const cli = (...argv: string[]) => lifecycle("workflows", ...argv);
    const versions = async () =>
      (await store.query<{ n: number }>(`select count(*)::int as n from workflow_versions`))[0]!.n;

    before(async () => {
      store = await openStore({});
      for (const id of ["acme", "globex", "initech"]) await seedClient(store, id);
      dir = mkdtempSync(join(tmpdir(), "lc-workflows-"));
      if (via === "http") {
        server = await signedInServer({ store }, { email: "tech@msp.example" });
        url = await server.listen({ port: 0, host: "127.0.0.1" });
      }
    });
    after(async () => {
      await server?.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test("export of a client with no overlay is an empty overlay extending the built-in, in YAML", async () => {
      const r = await cli("export", "acme");
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^# Lifecycle: acme's onboard workflow \(no overlay saved/);
      assert.deepEqual(parse(r.out), empty);
    });

    test("export, edit, import in YAML: a new version, shown and exported back as edited", async () => {
      const r = await cli("export", "acme", "--out", file("acme.yaml"));
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /wrote .*acme\.yaml/);
      const edited = { ...(parse(readFileSync(file("acme.yaml"), "utf8")) as object), remove: ["autopilot"] };
      writeFileSync(file("acme.yaml"), `# removed the Autopilot step\n${JSON.stringify(edited)}`);
      const imported = await cli("import", "acme", file("acme.yaml"));
      assert.equal(imported.code, 0, imported.err);
      assert.match(imported.out, /saved acme's onboard workflow as version 1 \(extends builtin:onboard@1\)/);
      assert.doesNotMatch(imported.out, /autopilot/);

      const shown = await cli("show", "acme");
      assert.equal(shown.code, 0, shown.err);
      assert.match(shown.out, /version {5}1, saved by tech@msp\.example/);
      assert.match(shown.out, /definition {2}client:acme:onboard@1/);
      assert.match(shown.out, /set-manager\s+identity\.set-manager\s+create-user\s+request\.manager present/);
      assert.match(shown.out, /welcome-email\s+notify\.welcome-email\s+all/);
      assert.doesNotMatch(shown.out, /autopilot/);

      const back = await cli("export", "acme");
      assert.match(back.out, /version 1, saved by tech@msp\.example/);
      assert.deepEqual(parse(back.out), edited);
    });

    test("export, edit, import in JSON, by extension", async () => {
      assert.equal((await cli("export", "acme", "--out", file("acme.json"))).code, 0);
      const text = readFileSync(file("acme.json"), "utf8");
      const edited = { ...(JSON.parse(text) as object), add: [financeGroup] };
      writeFileSync(file("acme.json"), JSON.stringify(edited, null, 2));
      const imported = await cli("import", "acme", file("acme.json"), "--kind", "onboard");
      assert.equal(imported.code, 0, imported.err);
      assert.match(imported.out, /version 2/);
      assert.match(imported.out, /finance-group\s+groups\.add-member\s+create-user/);
      const back = await cli("export", "acme", "--format", "json");
      assert.deepEqual(JSON.parse(back.out), edited);
    });

    test("one client's overlay copied to another is that client's own version 1", async () => {
      assert.equal((await cli("export", "acme", "--out", file("copy.yml"))).code, 0);
      const imported = await cli("import", "globex", file("copy.yml"));
      assert.equal(imported.code, 0, imported.err);
      assert.match(imported.out, /saved globex's onboard workflow as version 1/);
      const shown = await cli("show", "globex", "--json");
      const w = JSON.parse(shown.out) as { definition: { id: string; steps: { id: string }[] } };
      assert.equal(w.definition.id, "client:globex:onboard");
      assert.ok(w.definition.steps.some((s) => s.id === "finance-group"));
      assert.ok(!w.definition.steps.some((s) => s.id === "autopilot"));
    });

    test("history lists every version newest first, with who saved it", async () => {
      const r = await cli("history", "acme");
      assert.equal(r.code, 0, r.err);
      const lines = r.out.split("\n");
      assert.match(lines[0] ?? "", /^VERSION\s+SAVED BY\s+SAVED AT\s+EXTENDS$/);
      assert.match(
        lines[1] ?? "",
        /^2\s+tech@msp\.example\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+builtin:onboard@1$/,
      );
      assert.match(lines[2] ?? "", /^1\s+tech@msp\.example/);
      assert.equal(lines.length, 3);
      const none = await cli("history", "initech", "--kind", "offboard");
      assert.match(none.out, /initech has no saved offboard workflow/);
    });

    test("show and export --version read an earlier version; --effective exports the whole definition", async () => {
      const first = await cli("show", "acme", "--version", "1");
      assert.equal(first.code, 0, first.err);
      assert.doesNotMatch(first.out, /finance-group/);
      const old = await cli("export", "acme", "--version", "1", "--format", "json");
      assert.deepEqual((JSON.parse(old.out) as { add: unknown[] }).add, []);
      const effective = await cli("export", "acme", "--effective", "--format", "json");
      const def = JSON.parse(effective.out) as { id: string; version: number; steps: unknown[] };
      assert.deepEqual([def.id, def.version], ["client:acme:onboard", 2]);
      assert.ok(def.steps.length > 5);
      const missing = await cli("show", "acme", "--version", "7");
      assert.equal(missing.code, 3);
      assert.match(missing.err, /no onboard workflow version 7/);
    });

    test("validate lists each error with its field and exits non-zero, saving nothing", async () => {
      const before = await versions();
      writeFileSync(
        file("bad.yaml"),
        [
          "kind: onboard",
          "extends: builtin:onboard@1",
          "remove: [no-such-step]",
          "add:",
          "  - id: finance-group",
          "    action: groups.add-member",
          "    title: Add to Finance-Team",
          "    on: directory",
          "    params: { upn: '${derived.upn}', group: 42 }",
          "    after: [create-user]",
          "",
        ].join("\n"),
      );
      const r = await cli("validate", "acme", file("bad.yaml"));
      assert.equal(r.code, 2);
      assert.match(r.err, /bad\.yaml is not a valid onboard workflow for acme/);
      assert.match(r.err, /^ {2}remove\.0: names "no-such-step"/m);
      const imported = await cli("import", "acme", file("bad.yaml"));
      assert.equal(imported.code, 2);
      assert.match(imported.err, /remove\.0/);
      assert.equal(await versions(), before);

      writeFileSync(file("good.yaml"), "kind: onboard\nextends: builtin:onboard@1\nremove: [autopilot]\n");
      const good = await cli("validate", "acme", file("good.yaml"));
      assert.equal(good.code, 0, good.err);
      assert.match(good.out, /good\.yaml is a valid onboard workflow for acme: \d+ steps/);
      assert.equal(await versions(), before);
    });

    test("an added step's ill-typed parameter is named by its place in the file", async () => {
      writeFileSync(
        file("typed.json"),
        JSON.stringify({
          ...empty,
          add: [{ ...financeGroup, params: { ...financeGroup.params, group: 42 } }],
        }),
      );
      const r = await cli("validate", "acme", file("typed.json"));
      assert.equal(r.code, 2);
      assert.match(r.err, /^ {2}add\.0\.params\.group: /m);
    });

    test("a hurried technician's mistakes are refused naming the file or field, nothing saved", async () => {
      const before = await versions();
      writeFileSync(file("broken.yaml"), "kind: onboard\nremove: [autopilot\n");
      writeFileSync(file("broken.json"), '{"kind": "onboard",');
      writeFileSync(file("blank.yaml"), "\n");
      writeFileSync(file("offboard.yaml"), "kind: offboard\nextends: builtin:offboard@1\n");
      writeFileSync(file("crossed.yaml"), "kind: offboard\nextends: builtin:onboard@1\n");
      writeFileSync(file("prose.txt"), "please remove the autopilot step\n");
      const cases: [string[], number, RegExp][] = [
        [["import", "acme", file("nope.yaml")], 2, /cannot read .*nope\.yaml: there is no such file/],
        [["import", "acme", file("broken.yaml")], 2, /broken\.yaml is not YAML: .*line/],
        [["import", "acme", file("broken.json")], 2, /broken\.json is not JSON/],
        [["import", "acme", file("blank.yaml")], 2, /blank\.yaml is empty/],
        [
          ["import", "acme", file("offboard.yaml"), "--kind", "onboard"],
          2,
          /^ {2}kind: is "offboard", but this is the client's onboard workflow/m,
        ],
        [["import", "acme", file("crossed.yaml")], 2, /^ {2}kind: /m],
        [["import", "acme", file("prose.txt")], 2, /^ {2}workflow: /m],
        [["import", "nobody", file("good.yaml")], 3, /no client "nobody"/],
        [["import", "acme", file("good.yaml"), "--kind", "sideways"], 2, /sideways/],
        [["show", "nobody"], 3, /no client "nobody"/],
        [["show", "acme", "--version", "two"], 2, /--version must be a version number/],
      ];
      for (const [argv, code, message] of cases) {
        const r = await cli(...argv);
        assert.equal(r.code, code, `${argv.join(" ")}: ${r.err}`);
        assert.match(r.err, message, argv.join(" "));
      }
      assert.equal(await versions(), before);
    });

    test("a saved version that no longer applies is shown as a conflict naming it, and can still be exported", async () => {
      await saveWorkflowVersion(store, {
        clientId: "initech",
        kind: "onboard",
        overlay: { ...empty, remove: ["step-gone-since"] },
        actor: "tech",
      });
      const shown = await cli("show", "initech");
      assert.equal(shown.code, 4, shown.err);
      assert.match(shown.err, /^ {2}workflow\.remove\.0: .*version 1, no longer applies/m);
      const exported = await cli("export", "initech", "--format", "json");
      assert.equal(exported.code, 0, exported.err);
      assert.deepEqual((JSON.parse(exported.out) as { remove: string[] }).remove, ["step-gone-since"]);
    });

    test("a dry run plans with the workflow the client saved last", async () => {
      const planned = async () => {
        const r = await lifecycle(
          ...["onboard", "--client", "acme", "--first-name", "Jane", "--last-name", "Doe", "--manager"],
          ...["mike@acme.example.com", "--now", "--dry-run", "--json"],
        );
        assert.equal(r.code, 0, r.err);
        return (JSON.parse(r.out) as { plan: { actions: { key: string }[] } }).plan.actions.map((a) => a.key);
      };
      assert.ok((await planned()).includes("set-manager"));
      writeFileSync(
        file("no-manager.yaml"),
        "kind: onboard\nextends: builtin:onboard@1\nremove: [set-manager]\n",
      );
      assert.equal((await cli("import", "acme", file("no-manager.yaml"))).code, 0);
      assert.ok(!(await planned()).includes("set-manager"));
    });

    test("reset saves the built-in as a new version, keeping the history", async () => {
      const r = await cli("reset", "acme");
      assert.equal(r.code, 0, r.err);
      const [, version] = /version (\d+): the built-in builtin:onboard@1 as it is/.exec(r.out) ?? [];
      assert.ok(version, r.out);
      const shown = await cli("show", "acme");
      assert.match(shown.out, /autopilot/);
      const [latest] = (await cli("history", "acme")).out.split("\n").slice(1);
      assert.match(latest ?? "", new RegExp(`^${version}\\s+tech@msp\\.example`));
    });
  });
}
