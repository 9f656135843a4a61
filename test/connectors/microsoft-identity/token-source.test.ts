import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { VendorError } from "../../../src/connectors/http/index.ts";
import { TokenSource } from "../../../src/connectors/microsoft-identity/token-source.ts";
import {
  acme,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../../../emulators/microsoft365/index.ts";

let m365: Microsoft365Emulator;
before(async () => {
  m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
});
after(() => m365.close());

test("a wrong secret fails as AUTH_FAILED, Entra's AADSTS code kept as the vendor's", async () => {
  const tokens = new TokenSource({ authorityHost: m365.url });
  await assert.rejects(
    tokens.token(
      acme.tenantId,
      { clientId: acme.clientId, clientSecret: "wrong" },
      "https://graph.microsoft.com",
    ),
    (e: unknown) => {
      assert.ok(e instanceof VendorError);
      assert.equal(e.failure.kind, "permission");
      assert.equal(e.failure.code, "AUTH_FAILED");
      assert.equal(e.vendor.api, "microsoft-identity");
      assert.equal(e.vendor.code, "AADSTS7000215");
      assert.match(e.message, new RegExp(`tenant ${acme.tenantId}`));
      return true;
    },
  );
});

test("an unreachable token endpoint fails as a transient NETWORK_ERROR, worth another try", async () => {
  const tokens = new TokenSource({ authorityHost: "http://127.0.0.1:1" });
  await assert.rejects(
    tokens.token(
      acme.tenantId,
      { clientId: acme.clientId, clientSecret: acme.clientSecret },
      "https://graph.microsoft.com",
    ),
    (e: unknown) => {
      assert.ok(e instanceof VendorError);
      assert.equal(e.failure.kind, "transient");
      assert.equal(e.failure.code, "NETWORK_ERROR");
      return true;
    },
  );
});

test("a credential with both a secret and a certificate is refused before any request", async () => {
  const tokens = new TokenSource({ authorityHost: m365.url });
  await assert.rejects(
    tokens.token(
      acme.tenantId,
      {
        clientId: acme.clientId,
        clientSecret: "s",
        certificate: { thumbprintSha256: "0".repeat(64), privateKey: "k" },
      },
      "https://graph.microsoft.com",
    ),
    (e: { failure: { kind: string; code: string } }) =>
      e.failure.kind === "invalid" && e.failure.code === "NOT_CONFIGURED",
  );
});
