import assert from "node:assert/strict";
import { test } from "node:test";
import { emulators } from "../../emulators/all.ts";

test("every emulator `npm run emulators` knows has its own name and its own default port", () => {
  const names = emulators.map((e) => e.name);
  assert.equal(new Set(names).size, names.length, names.join(", "));
  const ports = emulators.map((e) => `${e.name}:${e.defaultPort}`);
  assert.equal(new Set(emulators.map((e) => e.defaultPort)).size, emulators.length, ports.join(", "));
});
