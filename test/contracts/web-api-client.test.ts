import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { webApiTypes } from "../../scripts/generate/web-api-types.ts";

test("the console's API types are generated from the server's current OpenAPI document", async () => {
  const committed = await readFile(new URL("../../web/src/api/schema.d.ts", import.meta.url), "utf8");
  assert.ok(
    committed === (await webApiTypes()),
    "web/src/api/schema.d.ts is stale: run `npm run generate:api` and commit it",
  );
});
