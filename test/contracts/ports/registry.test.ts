import assert from "node:assert/strict";
import { test } from "node:test";
import { connectors } from "../../../src/connectors/registry.ts";
import { harnesses } from "./harnesses.ts";

test("every connector in the registry has a harness, so the port contracts run against it", () => {
  for (const c of connectors)
    assert.ok(harnesses[c.id], `${c.id} has no harness in test/contracts/ports/harnesses.ts`);
});

test("every registry entry is well formed: unique id, ports, limits and a credential kind where it needs one", () => {
  assert.equal(new Set(connectors.map((c) => c.id)).size, connectors.length);
  for (const c of connectors) {
    assert.ok(c.provides.length > 0, c.id);
    assert.ok(c.limits.concurrency >= 1 && c.limits.ratePerSecond > 0, c.id);
    assert.ok(/^[a-z0-9-]+$/.test(c.id), c.id);
  }
});
