import assert from "node:assert/strict";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ephemeralKeys } from "../../src/store/audit/keys.ts";
import { makeDataDirPrivate } from "../../src/store/file-modes.ts";
import { openStore } from "../../src/store/open.ts";

/** Every path under `root` whose mode lets group or world in, with that mode. */
function openToOthers(root: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    if ((st.mode & 0o077) !== 0) out.push(`${path} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(root);
  return out;
}

let parent: string;
before(() => {
  parent = mkdtempSync(join(tmpdir(), "lc-modes-"));
});
after(() => rmSync(parent, { recursive: true, force: true }));

test("after the embedded store opens, its folder is 0700 and nothing in it is group or world readable", async () => {
  const dataDir = join(parent, "data");
  // A folder left by an older version: open to all, with a server file anyone could read.
  mkdirSync(dataDir, { mode: 0o755 });
  chmodSync(dataDir, 0o755);
  writeFileSync(join(dataDir, "server.json"), "{}");
  chmodSync(join(dataDir, "server.json"), 0o644);

  const store = await openStore({ dataDir, keys: ephemeralKeys() });
  try {
    await store.query("create table t (x int)");
    await store.query("insert into t values (1)");
  } finally {
    await store.close();
  }
  assert.ok(readdirSync(join(dataDir, "pglite")).length > 0, "the database is in the folder");
  assert.equal(statSync(dataDir).mode & 0o777, 0o700);
  assert.deepEqual(openToOthers(dataDir), []);
});

test("tightening leaves subfolders that are not Lifecycle's alone, and never follows a link", () => {
  const dataDir = join(parent, "shared-home");
  const elsewhere = join(parent, "elsewhere");
  mkdirSync(join(dataDir, "projects"), { recursive: true });
  mkdirSync(elsewhere);
  writeFileSync(join(elsewhere, "public.txt"), "x");
  chmodSync(join(elsewhere, "public.txt"), 0o644);
  mkdirSync(join(dataDir, "pglite"));
  writeFileSync(join(dataDir, "pglite", "PG_VERSION"), "17");
  chmodSync(join(dataDir, "pglite", "PG_VERSION"), 0o666);
  chmodSync(join(dataDir, "projects"), 0o755);
  // A link inside the database folder pointing out of it.
  symlinkSync(join(elsewhere, "public.txt"), join(dataDir, "pglite", "link"));

  makeDataDirPrivate(dataDir);

  assert.equal(statSync(dataDir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dataDir, "pglite", "PG_VERSION")).mode & 0o777, 0o600);
  assert.equal(statSync(join(dataDir, "projects")).mode & 0o777, 0o755, "not Lifecycle's: untouched");
  assert.equal(statSync(join(elsewhere, "public.txt")).mode & 0o777, 0o644, "the link was not followed");
});
