import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { generate, generatedPath, normaliseTypes, prune } from "../../../scripts/generate/halopsa-types.ts";

test("regenerating the HaloPSA types from the vendor's description gives the committed file, byte for byte", async () => {
  const fresh = await generate();
  assert.equal(
    fresh,
    readFileSync(generatedPath, "utf8"),
    "run: node --import tsx scripts/generate/halopsa-types.ts",
  );
});

test("loose spec types become JSON Schema types, and the pruning refuses what the spec does not have", () => {
  assert.deepEqual(normaliseTypes({ type: "int", description: "x" }), {
    description: "x",
    type: "integer",
    format: "int32",
  });
  assert.deepEqual(normaliseTypes({ items: { type: "bool" } }), { items: { type: "boolean" } });
  const spec = { paths: {}, components: { schemas: {} } };
  assert.throws(() => prune(spec), /no GET \/Users/);
});
