import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { keyring, masterKeys } from "../../src/credentials/keys.ts";
import { open, seal } from "../../src/credentials/seal.ts";
import { LifecycleError } from "../../src/domain/errors.ts";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "lc-keys-"));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof LifecycleError, String(err));
    return err.failure.code;
  }
  assert.fail("expected a LifecycleError");
};

test("a sealed secret opens with the same key and reference, and its ciphertext does not hold it", () => {
  const ring = keyring(randomBytes(32));
  const sealed = seal(ring, "s3cret-value", "credential\u0000acme/microsoft-app");
  assert.doesNotMatch(JSON.stringify(sealed), /s3cret/);
  assert.equal(sealed.keyId, ring.current.id);
  assert.equal(open(ring, sealed, "credential\u0000acme/microsoft-app"), "s3cret-value");
});

test("each seal uses a fresh IV, so the same secret never seals the same way twice", () => {
  const ring = keyring(randomBytes(32));
  const a = seal(ring, "same", "ref");
  const b = seal(ring, "same", "ref");
  assert.notEqual(a.iv, b.iv);
  assert.notEqual(a.ciphertext, b.ciphertext);
});

test("a row moved to another reference, or altered, fails to open", () => {
  const ring = keyring(randomBytes(32));
  const sealed = seal(ring, "s3cret", "credential\u0000acme/microsoft-app");
  assert.equal(
    code(() => open(ring, sealed, "credential\u0000globex/microsoft-app")),
    "SECRET_TAMPERED",
  );
  const flipped = Buffer.from(sealed.ciphertext, "base64");
  flipped[0] = (flipped[0] ?? 0) ^ 1;
  assert.equal(
    code(() =>
      open(ring, { ...sealed, ciphertext: flipped.toString("base64") }, "credential\u0000acme/microsoft-app"),
    ),
    "SECRET_TAMPERED",
  );
});

test("a different master key cannot open a secret, and says which key it needs", () => {
  const sealed = seal(keyring(randomBytes(32)), "s3cret", "ref");
  assert.equal(
    code(() => open(keyring(randomBytes(32)), sealed, "ref")),
    "MASTER_KEY_UNKNOWN",
  );
});

test("after a rotation, rows sealed with the previous key still open and new ones use the new key", () => {
  const old = randomBytes(32);
  const sealedBefore = seal(keyring(old), "s3cret", "ref");
  const rotated = keyring(randomBytes(32), [old]);
  assert.equal(open(rotated, sealedBefore, "ref"), "s3cret");
  assert.notEqual(seal(rotated, "x", "ref").keyId, sealedBefore.keyId);
});

test("LIFECYCLE_MASTER_KEY is used when set, and must be 32 bytes", () => {
  const key = randomBytes(32);
  const ring = masterKeys(
    { LIFECYCLE_MASTER_KEY: key.toString("base64") },
    { embedded: false, dataDir: undefined },
  )();
  assert.ok(ring.current.key.equals(key));
  const short = masterKeys(
    { LIFECYCLE_MASTER_KEY: randomBytes(16).toString("base64") },
    { embedded: true, dataDir: "x" },
  );
  assert.equal(code(short), "MASTER_KEY_INVALID");
});

test("the embedded store creates a key file readable by its owner only, and reuses it", () => {
  const dir = tempDir();
  const first = masterKeys({}, { embedded: true, dataDir: dir })();
  const file = join(dir, "master.key");
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const again = masterKeys({}, { embedded: true, dataDir: dir })();
  assert.ok(again.current.key.equals(first.current.key));
  assert.ok(Buffer.from(readFileSync(file, "utf8").trim(), "base64").equals(first.current.key));
});

test("PostgreSQL without LIFECYCLE_MASTER_KEY fails clearly instead of inventing a key", () => {
  const keys = masterKeys({}, { embedded: false, dataDir: "./data" });
  assert.equal(code(keys), "MASTER_KEY_MISSING");
  assert.throws(keys, /LIFECYCLE_MASTER_KEY is not set/);
});
