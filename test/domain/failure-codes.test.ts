import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { errorKinds } from "../../src/domain/errors.ts";
import { failureCodes, isFailureCode } from "../../src/domain/failure-codes.ts";

const src = fileURLToPath(new URL("../../src/", import.meta.url));
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );

test("every failure code is SCREAMING_SNAKE with a kind and a meaning", () => {
  for (const [code, { kind, meaning }] of Object.entries(failureCodes)) {
    assert.match(code, /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/, code);
    assert.ok((errorKinds as readonly string[]).includes(kind), `${code}: ${kind}`);
    assert.ok(meaning.length > 10, code);
  }
});

test("every code src/ gives a step failure is in the catalogue, in its casing", () => {
  const used = new Map<string, string>();
  for (const file of files(src)) {
    // A failure's code is written as `code: "X"`; zod's issue codes are lowercase and HTTP's start LC_ERR_.
    for (const m of readFileSync(file, "utf8").matchAll(/\bcode: "([A-Za-z_][A-Za-z0-9_]*)"/g)) {
      const code = m[1]!;
      if (/^[a-z_]+$/.test(code) || code.startsWith("LC_ERR_")) continue;
      used.set(code, file.slice(src.length));
    }
  }
  assert.ok(used.size > 20, "the scan finds the codes");
  for (const [code, file] of used)
    assert.ok(isFailureCode(code), `${file} uses "${code}", not in domain/failure-codes.ts`);
});
