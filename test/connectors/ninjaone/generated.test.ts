import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { generate, generatedPath, prune } from "../../../scripts/generate/ninjaone-types.ts";

test("regenerating the NinjaOne types from the vendor's description gives the committed file, byte for byte", async () => {
  const fresh = await generate();
  assert.equal(
    fresh,
    readFileSync(generatedPath, "utf8"),
    "run: node --import tsx scripts/generate/ninjaone-types.ts",
  );
});

test("the pruning refuses what the spec does not have", () => {
  assert.throws(() => prune({ paths: {}, components: { schemas: {} } }), /no GET \/v2\/organization\/\{id\}/);
});
