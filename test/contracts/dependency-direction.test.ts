import assert from "node:assert/strict";
import { test } from "node:test";
import { ESLint } from "eslint";

const eslint = new ESLint({ cwd: new URL("../..", import.meta.url).pathname });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

test("lint refuses an import against shared/DESIGN.md's direction, naming the layer rule", async () => {
  const cases: [string, string][] = [
    ["src/actions/mail/x.ts", "../../connectors/registry.ts"],
    ["src/connectors/msgraph/x.ts", "../../actions/catalog.ts"],
    ["src/connectors/msgraph/x.ts", "../../engine/worker.ts"],
    ["src/domain/x.ts", "../ports/index.ts"],
    ["src/ports/x.ts", "../connectors/module.ts"],
    ["src/engine/x.ts", "../composition/index.ts"],
    ["src/server/routes/x.ts", "../../connectors/registry.ts"],
    ["src/planner/x.ts", "../../emulators/microsoft365/index.ts"],
    ["src/evidence/report/x.ts", "../../connectors/registry.ts"],
    ["src/evidence/x.ts", "../actions/catalog.ts"],
    ["src/evidence/x.ts", "../server/app.ts"],
    ["src/engine/x.ts", "../evidence/index.ts"],
  ];
  for (const [file, target] of cases) {
    const messages = await restricted(file, `import { x } from "${target}";\nexport const y = x;\n`);
    assert.equal(messages.length, 1, `${file} importing ${target}`);
  }
});

test("imports along the direction pass", async () => {
  const cases: [string, string][] = [
    ["src/actions/mail/x.ts", "../../ports/index.ts"],
    ["src/connectors/msgraph/x.ts", "../../ports/index.ts"],
    ["src/composition/x.ts", "../connectors/registry.ts"],
    ["src/server/routes/x.ts", "../../composition/index.ts"],
    ["src/engine/x.ts", "../domain/errors.ts"],
    ["src/evidence/report/x.ts", "../../engine/read.ts"],
    ["src/server/routes/x.ts", "../../evidence/index.ts"],
  ];
  for (const [file, target] of cases)
    assert.deepEqual(
      await restricted(file, `import { x } from "${target}";\nexport const y = x;\n`),
      [],
      file,
    );
});
