import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { flowTtlMs, saveFlow, takeFlow } from "../../src/staff/oidc/flows.ts";
import { callbackUrl, oidcSettingsFromEnv, safeReturnTo } from "../../src/staff/oidc/index.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";

const secret = "s3cr3t-value-nobody-may-see";
const entra = "https://login.microsoftonline.com/8f3c1a52-4d7e-4b1a-9c2e-5a6b7c8d9e0f/v2.0";
const full = {
  LIFECYCLE_OIDC_ISSUER: entra,
  LIFECYCLE_OIDC_CLIENT_ID: "3fa2c1d0-0000-4000-8000-000000000001",
  LIFECYCLE_OIDC_CLIENT_SECRET: secret,
};
const noUrl = () => undefined;

describe("OIDC settings from the environment", () => {
  test("none set: OIDC is off; all three set: on, matching by preferred_username unless told otherwise", () => {
    assert.deepEqual(oidcSettingsFromEnv({ PATH: "/bin" }, noUrl), { ok: true, value: undefined });
    const on = oidcSettingsFromEnv(full, noUrl);
    assert.ok(on.ok && on.value);
    assert.equal(on.value.issuer.href, entra);
    const slashed = oidcSettingsFromEnv(
      { ...full, LIFECYCLE_OIDC_ISSUER: `${entra.replace("8f3c1a52", "8F3C1A52")}/` },
      noUrl,
    );
    assert.ok(slashed.ok && slashed.value);
    assert.equal(slashed.value.issuer.href, entra, "Entra's issuer exactly as its tokens write it");
    assert.equal(on.value.claim, "preferred_username");
    assert.equal(on.value.tenantId, undefined);
    const byEmail = oidcSettingsFromEnv(
      {
        ...full,
        LIFECYCLE_OIDC_CLAIM: "email",
        LIFECYCLE_OIDC_TENANT: "8F3C1A52-4D7E-4B1A-9C2E-5A6B7C8D9E0F",
      },
      noUrl,
    );
    assert.ok(byEmail.ok && byEmail.value);
    assert.equal(byEmail.value.claim, "email");
  });

  test("a partial or wrong setting names each variable at fault and never repeats a value", () => {
    const cases: [Record<string, string>, string[]][] = [
      [{ LIFECYCLE_OIDC_CLIENT_SECRET: secret }, ["LIFECYCLE_OIDC_ISSUER", "LIFECYCLE_OIDC_CLIENT_ID"]],
      [
        { LIFECYCLE_OIDC_TENANT: "t" },
        ["LIFECYCLE_OIDC_ISSUER", "LIFECYCLE_OIDC_CLIENT_ID", "LIFECYCLE_OIDC_CLIENT_SECRET"],
      ],
      [{ ...full, LIFECYCLE_OIDC_ISSUER: "http://idp.example/" }, ["LIFECYCLE_OIDC_ISSUER"]],
      [{ ...full, LIFECYCLE_OIDC_ISSUER: "not a url" }, ["LIFECYCLE_OIDC_ISSUER"]],
      [{ ...full, LIFECYCLE_OIDC_ISSUER: `${entra}?x=1` }, ["LIFECYCLE_OIDC_ISSUER"]],
      [
        { ...full, LIFECYCLE_OIDC_ISSUER: "https://login.microsoftonline.com/common/v2.0" },
        ["LIFECYCLE_OIDC_ISSUER"],
      ],
      [
        { ...full, LIFECYCLE_OIDC_ISSUER: "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0" },
        ["LIFECYCLE_OIDC_ISSUER"],
      ],
      [{ ...full, LIFECYCLE_OIDC_ISSUER: entra.replace("/v2.0", "") }, ["LIFECYCLE_OIDC_ISSUER"]],
      [{ ...full, LIFECYCLE_OIDC_CLAIM: "sub" }, ["LIFECYCLE_OIDC_CLAIM"]],
      [{ ...full, LIFECYCLE_OIDC_TENANT: "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9" }, ["LIFECYCLE_OIDC_TENANT"]],
    ];
    for (const [vars, fields] of cases) {
      const r = oidcSettingsFromEnv(vars, noUrl);
      assert.ok(!r.ok, JSON.stringify(vars));
      assert.deepEqual(
        r.errors.map((e) => e.field),
        fields,
        JSON.stringify(r.errors),
      );
      assert.ok(!JSON.stringify(r.errors).includes(secret));
    }
  });

  test("plain http is allowed for a provider on this machine only", () => {
    for (const issuer of ["http://127.0.0.1:4000", "http://localhost:4000/oidc", "http://[::1]:4000"]) {
      const r = oidcSettingsFromEnv({ ...full, LIFECYCLE_OIDC_ISSUER: issuer }, noUrl);
      assert.ok(r.ok && r.value, issuer);
    }
  });

  test("the callback is under the public address, unknown until the server knows it", () => {
    const server: { url?: string } = {};
    const r = oidcSettingsFromEnv(full, () => server.url);
    assert.ok(r.ok && r.value);
    assert.equal(callbackUrl(r.value), undefined);
    server.url = "https://lifecycle.msp.example/";
    assert.equal(callbackUrl(r.value)?.href, "https://lifecycle.msp.example/auth/oidc/callback");
  });
});

describe("where a sign-in lands", () => {
  const own = "https://lifecycle.msp.example";

  test("a path on this server is kept, query and fragment too", () => {
    assert.equal(safeReturnTo("/runs/42?tab=events#step-3", own), "/runs/42?tab=events#step-3");
    assert.equal(safeReturnTo(`${own}/clients/acme`, own), "/clients/acme");
    assert.equal(safeReturnTo("/a/../b", own), "/b");
  });

  test("anything that could leave the origin lands on /", () => {
    for (const raw of [
      undefined,
      "",
      42,
      "https://evil.example/",
      "//evil.example/",
      "/\\evil.example",
      "\\\\evil.example",
      "/.//evil.example",
      "/%2F%2Fevil.example",
      "javascript:alert(1)",
      "http://lifecycle.msp.example/", // another scheme is another origin
      "/\t/evil.example",
      "runs/42",
      `/${"a".repeat(3000)}`,
    ]) {
      const landed = safeReturnTo(raw, own);
      assert.ok(landed === "/" || (landed.startsWith("/") && !landed.startsWith("//")), String(raw));
      if (raw !== "/%2F%2Fevil.example") assert.equal(landed, "/", String(raw));
    }
    assert.equal(safeReturnTo(`${own}/x`), "/", "an absolute URL needs the server's own origin to compare");
  });
});

describe("a pending sign-in's flow row", () => {
  let store: Store;
  before(async () => {
    store = await openStore({});
  });
  after(() => store?.close());

  const flow = { state: "st", nonce: "no", codeVerifier: "cv".repeat(22), returnTo: "/" };
  const rows = async () =>
    (await store.query<{ n: number }>("select count(*)::int as n from staff_oidc_flows"))[0]!.n;

  test("is taken once, by its cookie only", async () => {
    const t0 = new Date("2026-12-02T10:00:00Z");
    const saved = await saveFlow(store, flow, t0);
    assert.match(saved.cookie, /^lco_[\w-]{12}\.[\w-]{43}$/);
    const [stored] = await store.query<{ secret_hash: string }>("select secret_hash from staff_oidc_flows");
    assert.ok(!saved.cookie.includes(stored!.secret_hash));
    assert.equal(await takeFlow(store, "lco_not-a-cookie", t0), undefined);
    assert.deepEqual(await takeFlow(store, saved.cookie, t0), flow);
    assert.equal(await takeFlow(store, saved.cookie, t0), undefined, "a second time finds nothing");
  });

  test("a wrong secret takes the flow and answers nothing", async () => {
    const t0 = new Date("2026-12-02T10:00:00Z");
    const saved = await saveFlow(store, flow, t0);
    const forged = saved.cookie.replace(/\.[\w-]{43}$/, `.${"A".repeat(43)}`);
    assert.equal(await takeFlow(store, forged, t0), undefined);
    assert.equal(await takeFlow(store, saved.cookie, t0), undefined);
  });

  test("expires after ten minutes, and expired rows go with the next flow saved", async () => {
    const t0 = new Date("2026-12-02T10:00:00Z");
    const late = new Date(t0.getTime() + flowTtlMs);
    assert.equal(flowTtlMs, 10 * 60_000);
    const first = await saveFlow(store, flow, t0);
    assert.equal(await takeFlow(store, first.cookie, late), undefined, "at ten minutes it is gone");
    await saveFlow(store, flow, t0);
    assert.equal(await rows(), 1);
    await saveFlow(store, flow, late);
    assert.equal(await rows(), 1, "the expired row was pruned");
  });
});
