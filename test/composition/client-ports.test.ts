import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { parseClient, portsFor, type PortsResolver } from "../../src/composition/index.ts";
import { credentialKinds } from "../../src/composition/credential-kinds.ts";
import { need } from "../../src/actions/support/need.ts";
import { keyring, type KeySource } from "../../src/credentials/keys.ts";
import { removeCredential, setCredential } from "../../src/credentials/repo.ts";
import type { ClientConfig } from "../../src/domain/client.ts";
import { LifecycleError } from "../../src/domain/errors.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import {
  acme,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../../emulators/microsoft365/index.ts";
import { acmeClient } from "../support/engine-helpers.ts";

describe("portsFor builds each client's systems by their connectors, from its config and the credential store", () => {
  let m365: Microsoft365Emulator;
  let store: Store;
  let resolve: PortsResolver;
  let client: ClientConfig;
  const ring = keyring(randomBytes(32));
  const keys: KeySource = () => ring;
  const ref = "acme/microsoft-app";

  const storeCredential = async (clientSecret: string) => {
    const res = await setCredential(store, keys, credentialKinds, {
      ref,
      kind: "microsoft-app",
      value: { clientId: acme.clientId, clientSecret },
      actor: "test",
    });
    assert.ok(res.ok);
  };
  const notConfigured = (pattern: RegExp) => (err: unknown) =>
    err instanceof LifecycleError && err.failure.code === "NOT_CONFIGURED" && pattern.test(err.message);

  before(async () => {
    m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
    store = await openStore({});
    const parsed = parseClient({
      ...acmeClient(),
      systems: {
        entra: {
          connector: "msgraph",
          tenantId: acme.tenantId,
          credential: ref,
          endpoints: { authority: m365.url, graph: m365.url },
        },
        exchange: {
          connector: "exchange-online",
          tenantId: acme.tenantId,
          credential: ref,
          endpoints: { authority: m365.url, exchange: m365.url },
        },
      },
    });
    assert.ok(parsed.ok, JSON.stringify(parsed));
    client = parsed.value;
    resolve = portsFor({ sql: store, keys, publicUrl: () => "https://lifecycle.msp.example" });
  });
  after(async () => {
    await store.close();
    await m365.close();
  });

  test("a missing credential fails the client's Microsoft steps naming the reference", async () => {
    const caps = await resolve(client);
    await assert.rejects(
      need(caps, "directory").findUser("tom.williams@acmecorp.com"),
      notConfigured(/acme\/microsoft-app/),
    );
    await assert.rejects(
      need(caps, "mailboxAdmin").mailbox("tom.williams@acmecorp.com"),
      notConfigured(/credentials set/),
    );
    assert.ok(caps.oneTimeLinks);
  });

  test("with the credential stored, the directory answers from the client's tenant", async () => {
    await storeCredential(acme.clientSecret);
    const caps = await resolve(client);
    const tom = await need(caps, "directory").findUser("tom.williams@acmecorp.com");
    assert.equal(tom?.userPrincipalName, "tom.williams@acmecorp.com");
    assert.equal(await need(caps, "mailboxAdmin").mailbox("nobody@acmecorp.com"), undefined);
  });

  test("connectors are reused until the config or the credential changes", async () => {
    const first = await resolve(client);
    assert.equal((await resolve(client)).directory, first.directory);
    await storeCredential("a-wrong-secret");
    const rotated = await resolve(client);
    assert.notEqual(rotated.directory, first.directory);
    await assert.rejects(
      need(rotated, "directory").findUser("tom.williams@acmecorp.com"),
      // The failure names the system that answered: the rate bucket a 429 from it would throttle.
      (err: unknown) =>
        err instanceof LifecycleError && err.failure.kind === "permission" && err.failure.system === "entra",
    );
    await storeCredential(acme.clientSecret);
    const { endpoints: _moved, ...entra } = client.systems.entra!;
    const moved = { ...client, systems: { ...client.systems, entra } };
    assert.notEqual((await resolve(moved)).directory, (await resolve(client)).directory);
    assert.equal(
      (await resolve(moved)).mailboxAdmin,
      (await resolve(client)).mailboxAdmin,
      "only the changed system is rebuilt",
    );
  });

  test("a removed credential stops the connectors at once", async () => {
    await removeCredential(store, ref, "test");
    await assert.rejects(
      need(await resolve(client), "directory").findUser("tom.williams@acmecorp.com"),
      notConfigured(/not in the credential store/),
    );
  });

  test("a client without systems gets Lifecycle's own ports only, and the generic NOT_CONFIGURED", async () => {
    const caps = await resolve({ ...acmeClient(), systems: {} });
    assert.deepEqual(Object.keys(caps), ["oneTimeLinks", "initialPasswords", "approvalLinks", "runRecord"]);
    assert.throws(() => need(caps, "directory"), notConfigured(/no directory connector/));
    assert.deepEqual(Object.keys(await resolve(undefined)), [
      "oneTimeLinks",
      "initialPasswords",
      "approvalLinks",
      "runRecord",
    ]);
  });

  test("without a master key, the steps say so instead of the worker failing", async () => {
    await storeCredential(acme.clientSecret);
    const keyless = portsFor({
      sql: store,
      keys: () => {
        throw new LifecycleError({
          kind: "invalid",
          code: "MASTER_KEY_MISSING",
          message: "LIFECYCLE_MASTER_KEY is not set",
        });
      },
      publicUrl: () => undefined,
    });
    await assert.rejects(
      need(await keyless(client), "directory").findUser("tom.williams@acmecorp.com"),
      notConfigured(/LIFECYCLE_MASTER_KEY/),
    );
  });
});
