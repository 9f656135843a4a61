import assert from "node:assert/strict";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { allows, type Principal } from "../../src/domain/staff-roles.ts";
import {
  createAccount,
  createSession,
  createToken,
  disableAccount,
  endSession,
  ensureFirstAdmin,
  freeAttempts,
  listTokens,
  lockFor,
  redeemSignInLink,
  revokeToken,
  sessionIdleMs,
  sessionPrincipal,
  setPassword,
  signIn,
  tokenPrincipal,
  writeCliToken,
} from "../../src/staff/index.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { testClientConfig } from "../support/engine-helpers.ts";

const password = "correct horse battery staple";

describe("staff accounts, sessions and tokens", () => {
  let store: Store;
  let tech: Principal;

  before(async () => {
    store = await openStore({});
    await upsertClient(store, testClientConfig("acme"));
    await upsertClient(store, testClientConfig("globex"));
    const made = await createAccount(
      store,
      { email: "Tina.Tech@MSP.example", role: "technician", clients: ["acme"], password },
      "test",
    );
    assert.ok(made.ok, JSON.stringify(made));
    tech = {
      accountId: made.value.id,
      email: made.value.email,
      role: "technician",
      clients: ["acme"],
      via: "session",
    };
  });
  after(() => store?.close());

  const rows = async (table: string) =>
    (await store.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n;

  test("an account's address is lower-cased and unique; bad input names its field and creates nothing", async () => {
    const before = await rows("staff_accounts");
    const cases: [Record<string, unknown>, string][] = [
      [{ email: "tina.tech@msp.example", role: "viewer" }, "email"],
      [{ email: "not an address", role: "viewer" }, "email"],
      [{ email: "v@msp.example", role: "owner" }, "role"],
      [{ email: "v@msp.example", role: "viewer", password: "short" }, "password"],
      [{ email: "v@msp.example", role: "viewer", clients: ["nosuch"] }, "clients"],
      [{ email: "v@msp.example", role: "viewer", clients: [] }, "clients"],
    ];
    for (const [input, field] of cases) {
      const r = await createAccount(store, input as never, "test");
      assert.ok(!r.ok, JSON.stringify(input));
      assert.deepEqual(
        r.errors.map((e) => e.field),
        [field],
        JSON.stringify(r.errors),
      );
    }
    assert.equal(await rows("staff_accounts"), before);
  });

  test("the password is stored only as its argon2id hash", async () => {
    const [row] = await store.query<{ password_hash: string }>(
      "select password_hash from staff_accounts where email = 'tina.tech@msp.example'",
    );
    assert.match(row!.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.ok(!row!.password_hash.includes(password));
  });

  test("sign-in: one answer for every refusal; failures lock the account, doubling, and a right password resets", async () => {
    const ok = await signIn(store, "TINA.TECH@msp.example", password);
    assert.ok(ok.ok);
    const unknown = await signIn(store, "nobody@msp.example", password);
    const wrong = await signIn(store, "tina.tech@msp.example", "wrong password!!");
    assert.ok(!unknown.ok && !wrong.ok);
    assert.deepEqual(unknown.errors, wrong.errors, "an unknown address reads as a wrong password");

    const t0 = new Date("2026-12-02T10:00:00Z");
    for (let i = 2; i <= freeAttempts; i++)
      await signIn(store, "tina.tech@msp.example", "wrong password!!", t0);
    const locked = await signIn(store, "tina.tech@msp.example", password, t0);
    assert.ok(!locked.ok, "locked: even the right password is refused");
    assert.deepEqual(locked.errors, wrong.errors);
    const later = new Date(t0.getTime() + lockFor(freeAttempts) + 1);
    assert.ok((await signIn(store, "tina.tech@msp.example", password, later)).ok, "the lock lifts by itself");
    assert.equal(lockFor(freeAttempts - 1), 0);
    assert.equal(lockFor(freeAttempts + 1), 2 * lockFor(freeAttempts));
    assert.equal(lockFor(100), 3600_000);
  });

  test("a session proves its account until it is ended, idle too long, or the account is disabled", async () => {
    const t0 = new Date();
    const s = await createSession(store, tech.accountId, t0);
    assert.match(s.cookie, /^lcs_[\w-]{12}\.[\w-]{43}$/);
    const [stored] = await store.query<{ secret_hash: string }>(
      "select secret_hash from staff_sessions where id = $1",
      [s.id],
    );
    assert.ok(!s.cookie.includes(stored!.secret_hash), "only a hash of the secret is stored");
    const p = await sessionPrincipal(store, s.cookie, t0);
    assert.equal(p?.email, "tina.tech@msp.example");
    assert.deepEqual(p?.clients, ["acme"]);
    // One character off, or another prefix: no one.
    const forged = s.cookie.slice(0, -1) + (s.cookie.endsWith("A") ? "B" : "A");
    assert.equal(await sessionPrincipal(store, forged, t0), undefined);
    assert.equal(await sessionPrincipal(store, s.cookie.replace("lcs_", "lct_"), t0), undefined);
    assert.equal(
      await sessionPrincipal(store, s.cookie, new Date(t0.getTime() + sessionIdleMs + 1)),
      undefined,
    );
    await endSession(store, s.id, tech.email);
    assert.equal(await sessionPrincipal(store, s.cookie, t0), undefined);
  });

  test("a new password ends the account's other sessions", async () => {
    const keep = await createSession(store, tech.accountId);
    const other = await createSession(store, tech.accountId);
    const r = await setPassword(store, tech.accountId, "another long passphrase", tech.email, keep.id);
    assert.ok(r.ok);
    assert.ok(await sessionPrincipal(store, keep.cookie));
    assert.equal(await sessionPrincipal(store, other.cookie), undefined);
    assert.ok(!(await setPassword(store, tech.accountId, "tina.tech@msp.example", tech.email)).ok);
    await setPassword(store, tech.accountId, password, tech.email);
  });

  test("a token is shown once, no wider than its owner, expires and can be revoked", async () => {
    const wider = await createToken(store, tech, { name: "x", role: "admin" });
    assert.ok(!wider.ok && wider.errors[0]?.field === "role");
    const otherClient = await createToken(store, tech, { name: "x", clients: ["globex"] });
    assert.ok(!otherClient.ok && otherClient.errors[0]?.field === "clients");
    assert.ok(!(await createToken(store, tech, { name: " " })).ok);
    assert.ok(!(await createToken(store, tech, { name: "x", expiresInDays: 366 })).ok);

    const now = new Date();
    const made = await createToken(
      store,
      tech,
      { name: "PSA sync", role: "viewer", expiresInDays: 7 },
      "personal",
      now,
    );
    assert.ok(made.ok);
    const p = await tokenPrincipal(store, made.value.token, now);
    assert.equal(p?.role, "viewer");
    assert.equal(p?.via, "token");
    assert.ok(p && allows(p, "read", "acme") && !allows(p, "read", "globex") && !allows(p, "submit", "acme"));
    const listed = await listTokens(store, tech.accountId);
    assert.ok(
      !JSON.stringify(listed).includes(made.value.token.split(".")[1]!),
      "the list never holds the secret",
    );
    assert.equal(
      await tokenPrincipal(store, made.value.token, new Date(now.getTime() + 8 * 86_400_000)),
      undefined,
    );

    const stranger: Principal = { ...tech, accountId: "00000000-0000-0000-0000-000000000000", email: "x@y" };
    assert.ok(!(await revokeToken(store, stranger, made.value.info.id)).ok, "only its owner or an admin");
    assert.ok((await revokeToken(store, tech, made.value.info.id)).ok);
    assert.equal(await tokenPrincipal(store, made.value.token, now), undefined);
  });

  test("the first start makes one admin with a one-time sign-in link; then the link is spent", async () => {
    const fresh = await openStore({});
    try {
      const first = await ensureFirstAdmin(fresh, "admin@msp.example");
      assert.ok(first);
      assert.equal(await ensureFirstAdmin(fresh, "admin@msp.example"), undefined, "only on an empty store");
      assert.equal(
        await tokenPrincipal(fresh, first.signInToken),
        undefined,
        "a sign-in link is no API token",
      );
      const [one, two] = await Promise.all([
        redeemSignInLink(fresh, first.signInToken),
        redeemSignInLink(fresh, first.signInToken),
      ]);
      assert.equal([one, two].filter(Boolean).length, 1, "redeemed once, even twice at the same moment");
      assert.equal((one ?? two)?.email, "admin@msp.example");
      assert.equal(await redeemSignInLink(fresh, first.signInToken), undefined);
    } finally {
      await fresh.close();
    }
  });

  test("the CLI's token file is the owner's only, and a new start revokes the old token", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lc-cli-token-"));
    const path = await writeCliToken(store, dir);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const first = (await readFile(path, "utf8")).trim();
    const p = await tokenPrincipal(store, first);
    assert.equal(p?.role, "admin");
    await writeCliToken(store, dir);
    const second = (await readFile(path, "utf8")).trim();
    assert.notEqual(first, second);
    assert.equal(await tokenPrincipal(store, first), undefined);
    assert.ok(await tokenPrincipal(store, second));
  });

  test("disabling an account ends its sessions and tokens; the last admin cannot be disabled", async () => {
    const s = await createSession(store, tech.accountId);
    const t = await createToken(store, tech, { name: "y" });
    assert.ok(t.ok);
    assert.ok((await disableAccount(store, tech.email, "test")).ok);
    assert.equal(await sessionPrincipal(store, s.cookie), undefined);
    assert.equal(await tokenPrincipal(store, t.value.token), undefined);
    assert.ok(!(await signIn(store, tech.email, password)).ok);
    const admin = await createAccount(store, { email: "only.admin@msp.example", role: "admin" }, "test");
    assert.ok(admin.ok);
    await store.query("update staff_accounts set disabled_at = now() where role = 'admin' and email <> $1", [
      "only.admin@msp.example",
    ]);
    const last = await disableAccount(store, "only.admin@msp.example", "test");
    assert.ok(!last.ok && /last admin/.test(last.errors[0]!.message));
  });

  test("roles: what each may do, and a scoped principal only on its clients", () => {
    const p = (role: Principal["role"], clients: Principal["clients"] = "all"): Principal => ({
      accountId: "a",
      email: "e",
      role,
      clients,
      via: "session",
    });
    assert.ok(allows(p("admin"), "administer"));
    assert.ok(!allows(p("technician"), "administer"));
    assert.ok(!allows(p("technician"), "credentials"));
    assert.ok(!allows(p("technician"), "approve"));
    assert.ok(allows(p("technician", ["acme"]), "submit", "acme"));
    assert.ok(!allows(p("technician", ["acme"]), "submit", "globex"));
    assert.ok(allows(p("approver"), "approve", "globex"));
    assert.ok(!allows(p("approver"), "submit"));
    assert.ok(!allows(p("viewer"), "operate"));
  });
});
