import { credentialKinds } from "../../src/composition/credential-kinds.ts";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { keyring, type KeySource } from "../../src/credentials/keys.ts";
import {
  credentialVersion,
  listCredentials,
  readCredential,
  removeCredential,
  setCredential,
} from "../../src/credentials/repo.ts";
import { LifecycleError } from "../../src/domain/errors.ts";
import type { Store } from "../../src/store/sql.ts";
import {
  pgliteUnderTest,
  postgresSkipReason,
  postgresUnderTest,
  type StoreUnderTest,
} from "../support/stores.ts";

const secret = "Xy8Q~very-secret-value";
const app = { clientId: "c0ffee00-a0e1-4c1f-9e2d-5a6b7c8d9e0f", clientSecret: secret };

function credentialSuite(sut: StoreUnderTest, skip: string | false) {
  describe(`credential store on ${sut.name}`, { skip }, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    const ring = keyring(randomBytes(32));
    const keys: KeySource = () => ring;
    before(async () => ({ store, cleanup } = await sut.open()));
    after(async () => cleanup());

    const set = (ref: string, value: unknown, kind = "microsoft-app") =>
      setCredential(store, keys, credentialKinds, { ref, kind, value, actor: "tech@msp.example" });

    test("a credential round-trips, sealed at rest", async () => {
      const res = await set("acme/microsoft-app", app);
      assert.ok(res.ok, JSON.stringify(res));
      const stored = await readCredential(store, keys, "acme/microsoft-app");
      assert.deepEqual(stored?.value, app);
      assert.equal(stored?.kind, "microsoft-app");
      const dump = JSON.stringify(await store.query("select * from credentials"));
      assert.doesNotMatch(dump, /very-secret/);
    });

    test("setting again replaces the value and raises the version", async () => {
      const before = await credentialVersion(store, "acme/microsoft-app");
      assert.ok((await set("acme/microsoft-app", { ...app, clientSecret: "rotated-secret" })).ok);
      assert.equal(await credentialVersion(store, "acme/microsoft-app"), (before ?? 0) + 1);
      assert.equal(
        ((await readCredential(store, keys, "acme/microsoft-app"))?.value as { clientSecret: string })
          .clientSecret,
        "rotated-secret",
      );
    });

    test("bad input is refused with field errors that do not repeat it, and nothing is stored", async () => {
      const cases: [string, unknown, string][] = [
        ["globex/app", { clientId: "not-a-guid", clientSecret: secret }, "clientId"],
        ["globex/app", { clientId: app.clientId }, "value"],
        [
          "globex/app",
          { ...app, certificate: { thumbprintSha256: "ab", privateKey: "x" } },
          "certificate.thumbprintSha256",
        ],
        ["globex/app", { ...app, password: secret }, "password"],
        ["globex/app", "just a string", "value"],
        ["has spaces in it", app, "ref"],
      ];
      for (const [ref, value, field] of cases) {
        const res = await set(ref, value);
        assert.ok(!res.ok, `${ref} ${JSON.stringify(value)} was accepted`);
        assert.ok(
          res.errors.some((e) => e.field === field),
          JSON.stringify(res.errors),
        );
        assert.doesNotMatch(JSON.stringify(res.errors), /very-secret/);
      }
      assert.ok(!(await set("globex/app", app, "ldap")).ok);
      assert.deepEqual(
        (await listCredentials(store)).map((c) => c.ref),
        ["acme/microsoft-app"],
      );
    });

    test("the list names references, kinds and times, never values", async () => {
      const list = await listCredentials(store);
      assert.deepEqual(Object.keys(list[0] ?? {}).sort(), ["kind", "ref", "updatedAt"]);
      assert.ok(list[0]?.updatedAt instanceof Date);
      assert.doesNotMatch(JSON.stringify(list), /secret/i);
    });

    test("a row copied under another reference does not open", async () => {
      await store.query(
        `insert into credentials (ref, kind, key_id, iv, ciphertext, tag)
         select 'globex/microsoft-app', kind, key_id, iv, ciphertext, tag from credentials where ref = 'acme/microsoft-app'`,
      );
      await assert.rejects(
        readCredential(store, keys, "globex/microsoft-app"),
        (err: unknown) => err instanceof LifecycleError && err.failure.code === "SECRET_TAMPERED",
      );
      await store.query("delete from credentials where ref = 'globex/microsoft-app'");
    });

    test("another master key cannot read the store", async () => {
      const other = keyring(randomBytes(32));
      await assert.rejects(
        readCredential(store, () => other, "acme/microsoft-app"),
        (err: unknown) => err instanceof LifecycleError && err.failure.code === "MASTER_KEY_UNKNOWN",
      );
    });

    test("set and remove are audited by reference and kind, without the value", async () => {
      assert.equal(await removeCredential(store, "acme/microsoft-app", "tech@msp.example"), true);
      assert.equal(await removeCredential(store, "acme/microsoft-app", "tech@msp.example"), false);
      assert.equal(await readCredential(store, keys, "acme/microsoft-app"), undefined);
      const audit = await store.query<{ action: string; subject: string }>(
        "select action, subject, detail from audit_log order by id",
      );
      assert.deepEqual(
        audit.map((a) => a.action),
        ["credential.set", "credential.set", "credential.remove"],
      );
      assert.doesNotMatch(JSON.stringify(audit), /secret-value|rotated-secret/);
    });
  });
}

const pgSkip = await postgresSkipReason();
credentialSuite(pgliteUnderTest, false);
credentialSuite(postgresUnderTest, pgSkip);
