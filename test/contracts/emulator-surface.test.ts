// Every Graph route the Microsoft 365 emulator implements must exist in Microsoft's v1.0 schema with the
// same method, property names and action parameters, so the emulator cannot teach our connectors an API
// that the real tenant would reject.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

import { checkSurface, type SurfaceEntry } from "./msgraph-csdl.ts";

const SURFACE_URL = new URL("../../emulators/microsoft365/surface.ts", import.meta.url);

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === "string");

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

const looksLikeEntry = (value: unknown): boolean =>
  isObject(value) &&
  typeof value.path === "string" &&
  (typeof value.method === "string" || isStringArray(value.method));

/**
 * The surface's export name was still being settled when this test was written: `surface` is preferred,
 * otherwise the default export or the only exported list of `{ method, path }` objects is used.
 */
function findSurface(module: Record<string, unknown>): { name: string; entries: unknown[] } | string {
  const lists = Object.entries(module).filter(
    (entry): entry is [string, unknown[]] => Array.isArray(entry[1]) && entry[1].some(looksLikeEntry),
  );
  const preferred = lists.find(([name]) => name === "surface") ?? lists.find(([name]) => name === "default");
  if (preferred) return { name: preferred[0], entries: preferred[1] };
  if (lists.length === 1 && lists[0]) return { name: lists[0][0], entries: lists[0][1] };
  const exported = Object.keys(module).join(", ") || "nothing";
  return lists.length === 0
    ? `no exported list of { method, path } entries (it exports ${exported})`
    : `several candidate lists (${lists.map(([name]) => name).join(", ")}); export the route list as "surface"`;
}

/** Entries are validated field by field, so a malformed entry is reported rather than silently passing. */
function toSurfaceEntries(entries: unknown[]): { valid: SurfaceEntry[]; malformed: string[] } {
  const valid: SurfaceEntry[] = [];
  const malformed: string[] = [];
  entries.forEach((entry, index) => {
    if (!isObject(entry) || !looksLikeEntry(entry)) {
      malformed.push(`entry ${index} has no string path and method: ${JSON.stringify(entry)}`);
      return;
    }
    const path = String(entry.path);
    const methods = isStringArray(entry.method) ? entry.method : [String(entry.method)];
    for (const field of ["properties", "bodyProperties"] as const) {
      if (entry[field] !== undefined && !isStringArray(entry[field])) {
        malformed.push(`${methods.join("|")} ${path}: ${field} is not a list of names`);
      }
    }
    const properties = isStringArray(entry.properties) ? entry.properties : undefined;
    const bodyProperties = isStringArray(entry.bodyProperties) ? entry.bodyProperties : undefined;
    for (const method of methods) valid.push({ method, path, properties, bodyProperties });
  });
  return { valid, malformed };
}

test("every Graph route the Microsoft 365 emulator implements exists in Graph v1.0 with those names", async (t) => {
  if (!existsSync(fileURLToPath(SURFACE_URL))) {
    t.skip("emulators/microsoft365/surface.ts does not exist yet; nothing to check");
    return;
  }
  const loaded: unknown = await import(SURFACE_URL.href);
  assert.ok(isObject(loaded), "surface.ts did not load as a module");
  const surface = findSurface(loaded);
  assert.ok(typeof surface !== "string", `emulators/microsoft365/surface.ts: ${String(surface)}`);
  const { valid, malformed } = toSurfaceEntries(surface.entries);
  assert.deepEqual(malformed, [], `malformed entries in export "${surface.name}"`);
  assert.ok(valid.length > 0, `export "${surface.name}" lists no routes`);
  const problems = checkSurface(valid);
  assert.deepEqual(
    problems,
    [],
    `${problems.length} route(s) do not match Graph v1.0:\n${problems.join("\n")}`,
  );
});
