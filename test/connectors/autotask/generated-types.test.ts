import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { execFileSync } from "node:child_process";
import { generatedPath } from "../../../scripts/generate/autotask-types.ts";
import { projectRoot, wireName } from "../../../scripts/generate/autotask-spec.ts";

test("regenerating the Autotask types from the spec gives the committed file, byte for byte", () => {
  const dir = mkdtempSync(join(tmpdir(), "autotask-types-"));
  try {
    const out = join(dir, "autotask-api.ts");
    // The script as a person runs it, into a temporary file.
    execFileSync(process.execPath, ["--import", "tsx", "scripts/generate/autotask-types.ts", out], {
      cwd: projectRoot,
      stdio: "pipe",
    });
    assert.equal(
      readFileSync(out, "utf8"),
      readFileSync(generatedPath, "utf8"),
      "run: node --import tsx scripts/generate/autotask-types.ts",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the spec's PascalCase names become the wire's camelCase", () => {
  assert.equal(wireName("Id"), "id");
  assert.equal(wireName("CompanyID"), "companyID");
  assert.equal(wireName("IsActive"), "isActive");
  assert.equal(wireName("CI"), "ci");
  assert.equal(wireName("RMMAlertID"), "rmmAlertID");
  assert.equal(wireName("op"), "op");
});
