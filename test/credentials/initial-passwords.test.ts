import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { createUser } from "../../src/actions/identity/create-user.ts";
import { parseClient } from "../../src/composition/index.ts";
import { derivedPassword, initialPasswords, passwordFrom } from "../../src/credentials/initial-passwords.ts";
import { keyring, type Keyring } from "../../src/credentials/keys.ts";
import { parseClientConfig } from "../../src/domain/client.ts";
import { LifecycleError } from "../../src/domain/errors.ts";
import {
  acme,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../../emulators/microsoft365/index.ts";
import { allPorts, type MicrosoftPorts } from "../actions/ports.ts";
import { acmeCapabilities, stepContext } from "../support/microsoft.ts";

describe("initial passwords derived for the vault", () => {
  test("every derived password meets Entra's rule and has no look-alike characters", () => {
    for (let i = 0; i < 2000; i++) {
      const pw = passwordFrom(randomBytes(64));
      assert.match(pw, /^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/, pw);
      for (const kind of [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/]) assert.match(pw, kind, pw);
      assert.doesNotMatch(pw, /[Il1O0]/, pw);
    }
  });

  test("the same step and key give the same password; another run, step or key another", () => {
    const key = randomBytes(32);
    const owner = { runId: "r1", actionKey: "create-user" };
    const pw = derivedPassword(key, owner);
    assert.equal(derivedPassword(key, { ...owner }), pw);
    assert.notEqual(derivedPassword(key, { ...owner, runId: "r2" }), pw);
    assert.notEqual(derivedPassword(key, { ...owner, actionKey: "create-user-2" }), pw);
    assert.notEqual(derivedPassword(randomBytes(32), owner), pw);
  });

  test("derived again from the key it names after a rotation; a key this process lacks fails naming it", async () => {
    const old = randomBytes(32);
    let ring: Keyring = keyring(old);
    const port = initialPasswords({ keys: () => ring });
    const owner = { runId: randomUUID(), actionKey: "create-user" };
    const made = await port.derive(owner);
    ring = keyring(randomBytes(32), [old]);
    assert.deepEqual(await port.derive(owner, made.keyId), made);
    assert.notEqual((await port.derive(owner)).password, made.password, "the current key makes another");
    ring = keyring(randomBytes(32));
    await assert.rejects(
      port.derive(owner, made.keyId),
      (e: LifecycleError) =>
        e.failure.code === "MASTER_KEY_UNKNOWN" && e.failure.message.includes(made.keyId),
    );
  });
});

describe("the client's initialPassword setting", () => {
  const base = {
    id: "acme",
    displayName: "Acme Corp",
    domains: ["acmecorp.com"],
    timeZone: "America/New_York",
    usageLocation: "US",
  };

  test("defaults to a password nobody knows; anything but its two values is a field error", () => {
    const parsed = parseClientConfig(base);
    assert.ok(parsed.ok);
    assert.equal(parsed.value.identity.initialPassword, "unknowable");
    const bad = parseClientConfig({ ...base, identity: { initialPassword: "plaintext" } });
    assert.ok(!bad.ok);
    assert.deepEqual(
      bad.errors.map((e) => e.field),
      ["identity.initialPassword"],
    );
    assert.match(bad.errors[0]!.message, /^must be one of "unknowable", "vault"$/);
  });

  test('"vault" needs a documentation system to hold the password', () => {
    const vault = { ...base, identity: { initialPassword: "vault" } };
    const without = parseClient(vault);
    assert.ok(!without.ok);
    assert.equal(without.errors[0]?.field, "identity.initialPassword");
    assert.match(
      without.errors[0]!.message,
      /none of the client's systems is a documentation vault \(.*IT Glue/,
    );
    const withDocs = parseClient({
      ...vault,
      systems: {
        itglue: {
          connector: "itglue",
          credential: "acme/itglue",
          organizationId: 1,
          contactTypeId: 2,
        },
      },
    });
    assert.ok(withDocs.ok, JSON.stringify(!withDocs.ok && withDocs.errors));
  });
});

describe("create-user with the vault's password, against the Microsoft 365 emulator", () => {
  let m365: Microsoft365Emulator;
  let caps: MicrosoftPorts;
  const ring = keyring(randomBytes(32));
  const passwords = initialPasswords({ keys: () => ring });
  const runId = randomUUID();

  before(async () => {
    m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
    m365.admin.setReplicationLag(0);
    caps = allPorts(acmeCapabilities(m365));
  });
  after(() => m365.close());

  const ctx = (extra: { firstAttempt?: boolean; inDoubt?: boolean } = {}) =>
    stepContext({ ...caps, initialPasswords: passwords }, "create-user", { runId, ...extra });
  const person = (first: string) => ({
    upn: `${first.toLowerCase()}.vault-${randomUUID().slice(0, 6)}@acmecorp.com`,
    firstName: first,
    lastName: "Vault",
    displayName: `${first} Vault`,
    usageLocation: "US",
    passwordMode: "vault" as const,
  });

  test("sets the step's derived password, forced to change, and reports its key, never the password", async () => {
    const p = person("Sarah");
    const done = await createUser.apply(p, ctx({ firstAttempt: true }));
    assert.ok(done.kind === "done");
    const made = await passwords.derive({ runId, actionKey: "create-user" });
    const user = m365.admin.user(acme.tenantId, p.upn);
    assert.equal(user.password, made.password);
    assert.deepEqual(
      (user.props as { passwordProfile?: { forceChangePasswordNextSignIn?: boolean } }).passwordProfile
        ?.forceChangePasswordNextSignIn,
      true,
    );
    assert.deepEqual(done.data, { userId: user.id, passwordMode: "vault", passwordKeyId: made.keyId });
    assert.ok(!JSON.stringify(done).includes(made.password));
  });

  test("after a crash the next attempt sets the same password again, so the vault is told the account's", async () => {
    const p = person("Tom");
    await createUser.apply(p, ctx({ firstAttempt: true }));
    // Someone (or something) changed it meanwhile: the retry puts the step's back.
    const user = m365.admin.user(acme.tenantId, p.upn);
    await caps.directory.setPassword(user.id, `Other-${randomBytes(9).toString("base64url")}1a!`, false);
    const retry = ctx({ inDoubt: true });
    const planned = await createUser.plan(p, retry);
    assert.ok(planned.kind === "will-change" && "handOff" in planned, JSON.stringify(planned));
    assert.match(planned.summary, /initial password again/);
    const done = await createUser.apply(p, retry, planned.handOff);
    assert.ok(done.kind === "done");
    const made = await passwords.derive({ runId, actionKey: "create-user" });
    assert.equal(m365.admin.user(acme.tenantId, p.upn).password, made.password);
    assert.equal(done.data?.passwordMode, "vault");
    // A user that was there before this step ever ran is not this step's to set a password on.
    assert.equal((await createUser.plan(p, ctx({ firstAttempt: true }))).kind, "already-done");
  });

  test("the password nobody knows stays the default: no key reported, not the derived one", async () => {
    const { passwordMode: _vault, ...p } = person("Lena");
    const done = await createUser.apply(p, ctx({ firstAttempt: true }));
    assert.ok(done.kind === "done");
    assert.deepEqual(Object.keys(done.data ?? {}), ["userId"]);
    const made = await passwords.derive({ runId, actionKey: "create-user" });
    assert.notEqual(m365.admin.user(acme.tenantId, p.upn).password, made.password);
  });
});
