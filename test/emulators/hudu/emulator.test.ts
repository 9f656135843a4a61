import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, test } from "node:test";
import { huduDemo, startHuduEmulator, type HuduEmulator } from "../../../emulators/hudu/index.ts";

let hudu: HuduEmulator;
before(async () => {
  hudu = await startHuduEmulator({ profile: "fast", seed: "demo" });
});
after(() => hudu.close());
afterEach(() => {
  hudu.admin.clearFaults();
  hudu.admin.configure({ throttle: { requests: 300, windowMs: 60_000, retryAfterHeader: false } });
});

const globex = huduDemo.companies.globex.id;
const people = huduDemo.peopleLayout.id;

async function call(
  method: string,
  path: string,
  opts: { key?: string | null; body?: unknown } = {},
): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
  const key = opts.key === undefined ? huduDemo.apiKey : opts.key;
  const res = await fetch(`${hudu.url}/api/v1${path}`, {
    method,
    headers: {
      ...(key !== null ? { "x-api-key": key } : {}),
      ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Rack::Attack's 429 is plain text.
  }
  return { status: res.status, body, text, headers: res.headers };
}

test("no key, or a key the instance does not have, is refused with 401 and Hudu's {error}", async () => {
  for (const key of [null, "wrong-key"]) {
    const res = await call("GET", `/companies/${globex}`, { key });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, { error: "Invalid API key" });
    assert.match(res.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  }
  const ok = await call("GET", `/companies/${globex}`);
  assert.equal(ok.status, 200);
  assert.equal((ok.body as { company: { name: string } }).company.name, "Globex GmbH");
  assert.ok(!JSON.stringify(hudu.admin.calls()).includes(huduDemo.apiKey), "the key is in the call log");
});

test("lists page by page, 25 by default, page_size honoured, no total: a short or empty page ends it", async () => {
  hudu.admin.addCompany({ id: 40, name: "Pager Inc" });
  for (let i = 0; i < 30; i++)
    hudu.admin.addAsset({
      companyId: 40,
      layoutId: people,
      name: `P${i}`,
      primaryMail: `p${i}@pager.example`,
    });
  const names = async (q: string) => {
    const res = await call("GET", `/assets?company_id=40${q}`);
    assert.deepEqual(Object.keys(res.body as object), ["assets"]);
    return (res.body as { assets: { name: string }[] }).assets.map((a) => a.name);
  };
  assert.equal((await names("")).length, 25);
  assert.deepEqual(await names("&page=2"), ["P25", "P26", "P27", "P28", "P29"]);
  assert.deepEqual(await names("&page=3&page_size=10"), [
    "P20",
    "P21",
    "P22",
    "P23",
    "P24",
    "P25",
    "P26",
    "P27",
    "P28",
    "P29",
  ]);
  assert.deepEqual(await names("&page=4&page_size=10"), []);
  assert.deepEqual(await names("&search=P2%40&page_size=100"), ["P2"]);
  const company = await call("GET", "/companies/40/assets?page_size=5");
  assert.equal((company.body as { assets: unknown[] }).assets.length, 5);
});

test("archived assets are listed only when asked, and archive twice is still archived", async () => {
  const asset = hudu.admin.addAsset({
    companyId: globex,
    layoutId: people,
    name: "Arch Ive",
    primaryMail: "arch@globex.de",
  });
  const listed = async (archived: string) =>
    (
      (await call("GET", `/assets?search=arch%40globex.de${archived}`)).body as { assets: { id: number }[] }
    ).assets.map((a) => a.id);
  assert.deepEqual(await listed(""), [asset.id]);
  for (let i = 0; i < 2; i++) {
    const res = await call("PUT", `/companies/${globex}/assets/${asset.id}/archive`);
    assert.equal(res.status, 200);
    assert.equal((res.body as { asset: { archived: boolean } }).asset.archived, true);
  }
  assert.deepEqual(await listed(""), []);
  assert.deepEqual(await listed("&archived=false"), []);
  assert.deepEqual(await listed("&archived=true"), [asset.id]);
  // Under another company the asset does not exist.
  assert.equal(
    (await call("PUT", `/companies/${huduDemo.companies.initech.id}/assets/${asset.id}/archive`)).status,
    404,
  );
});

test("creates an asset wrapped in {asset}, custom fields by label in any spelling; an unknown one is a 422", async () => {
  const created = await call("POST", `/companies/${globex}/assets`, {
    body: {
      asset: {
        name: "Jane Doe",
        asset_layout_id: people,
        primary_mail: "jane@globex.de",
        custom_fields: [{ email_address: "jane@globex.de" }, { Title: "Accountant" }],
      },
    },
  });
  assert.equal(created.status, 201);
  const asset = (created.body as { asset: { id: number; fields: { label: string; value: unknown }[] } })
    .asset;
  assert.deepEqual(
    asset.fields.map((f) => [f.label, f.value]),
    [
      ["Email Address", "jane@globex.de"],
      ["Title", "Accountant"],
    ],
  );
  const refused = await call("POST", `/companies/${globex}/assets`, {
    body: { asset: { name: "X", asset_layout_id: people, custom_fields: [{ shoe_size: "9" }] } },
  });
  assert.deepEqual([refused.status, refused.body], [422, { error: "Unknown custom field: shoe_size" }]);
  const bare = await call("POST", `/companies/${globex}/assets`, {
    body: { name: "Bare", asset_layout_id: people },
  });
  assert.equal(bare.status, 422);
  const nameless = await call("POST", `/companies/${globex}/assets`, {
    body: { asset: { asset_layout_id: people } },
  });
  assert.deepEqual(nameless.body, { error: "Validation failed: Name can't be blank" });
  const updated = await call("PUT", `/companies/${globex}/assets/${asset.id}`, {
    body: { asset: { custom_fields: [{ notes: "Left" }] } },
  });
  assert.equal(updated.status, 200);
  assert.equal(hudu.admin.asset(asset.id).fields.Notes, "Left");
  assert.equal(hudu.admin.asset(asset.id).fields.Title, "Accountant");
});

test("asset passwords answer their secret as the spec says, but the call log and the admin never hold it", async () => {
  const tom = hudu.admin.assets().find((a) => a.name === "Tom Williams")!;
  const secret = "Logged-Nowhere-7781";
  const created = await call("POST", "/asset_passwords", {
    body: {
      asset_password: {
        company_id: globex,
        name: "Tom – VPN",
        username: "tom",
        password: secret,
        passwordable_type: "Asset",
        passwordable_id: tom.id,
        description: "VPN",
      },
    },
  });
  assert.equal(created.status, 201);
  assert.equal((created.body as { asset_password: { password: string } }).asset_password.password, secret);
  const listed = await call(
    "GET",
    `/asset_passwords?company_id=${globex}&name=${encodeURIComponent("Tom – VPN")}`,
  );
  assert.equal(
    (listed.body as { asset_passwords: { password: string }[] }).asset_passwords[0]?.password,
    secret,
  );
  assert.ok(!JSON.stringify(hudu.admin.calls()).includes(secret));
  const overHttp = await (await fetch(`${hudu.url}/_admin/hudu/passwords`)).text();
  assert.ok(!overHttp.includes(secret) && overHttp.includes("Tom – VPN"));
  const unlinked = await call("POST", "/asset_passwords", {
    body: {
      asset_password: {
        company_id: globex,
        name: "Bad link",
        passwordable_type: "Asset",
        passwordable_id: 99999,
      },
    },
  });
  assert.equal(unlinked.status, 422);
});

test("a key without password access reads assets but not asset_passwords", async () => {
  hudu.admin.addApiKey({ key: "scoped-key-0001", name: "No passwords", passwordAccess: false });
  assert.equal((await call("GET", "/assets", { key: "scoped-key-0001" })).status, 200);
  const refused = await call("GET", "/asset_passwords", { key: "scoped-key-0001" });
  assert.equal(refused.status, 401);
  assert.match(JSON.stringify(refused.body), /access to passwords/);
});

test("throttles per fixed window before authentication: 429 'Retry later', then the next window serves", async () => {
  hudu.admin.configure({ throttle: { requests: 3, windowMs: 60_000 } });
  // Align to the start of a window, so the four calls share one.
  const now = Date.now();
  hudu.admin.advanceClock(60_000 - (now % 60_000) + 10);
  assert.equal((await call("GET", "/api_info", { key: "wrong" })).status, 401);
  assert.equal((await call("GET", "/api_info")).status, 200);
  assert.equal((await call("GET", "/api_info")).status, 200);
  const throttled = await call("GET", "/api_info");
  assert.equal(throttled.status, 429);
  assert.equal(throttled.text, "Retry later\n");
  assert.match(throttled.headers.get("content-type") ?? "", /^text\/plain/);
  assert.equal(throttled.headers.get("retry-after"), null);
  hudu.admin.advanceClock(60_000);
  assert.equal((await call("GET", "/api_info")).status, 200);
  hudu.admin.configure({ throttle: { requests: 1, retryAfterHeader: true } });
  await call("GET", "/api_info");
  const told = await call("GET", "/api_info");
  assert.equal(told.status, 429);
  const seconds = Number(told.headers.get("retry-after"));
  assert.ok(seconds >= 1 && seconds <= 60, `Retry-After ${seconds}`);
});

test("an unknown path is a 404 {error}; an injected 422 is Hudu's {error}", async () => {
  assert.deepEqual((await call("GET", "/contacts")).body, { error: "Not Found" });
  hudu.admin.injectFault({ kind: "status", status: 422, pathPattern: "/companies" });
  const res = await call("GET", `/companies/${globex}`);
  assert.deepEqual([res.status, res.body], [422, { error: "Unable to process request" }]);
});

test("a state file brings the instance back after a restart", async () => {
  const stateFile = join(mkdtempSync(join(tmpdir(), "hudu-")), "hudu.json");
  const first = await startHuduEmulator({ seed: "demo", stateFile });
  // A write through the API, as the demo makes them, is what schedules the snapshot.
  const res = await fetch(`${first.url}/api/v1/companies/${globex}/assets`, {
    method: "POST",
    headers: { "x-api-key": huduDemo.apiKey, "content-type": "application/json" },
    body: JSON.stringify({
      asset: { name: "Kept", asset_layout_id: people, primary_mail: "kept@globex.de" },
    }),
  });
  assert.equal(res.status, 201);
  await first.close();
  assert.ok(readFileSync(stateFile, "utf8").includes("kept@globex.de"));
  const second = await startHuduEmulator({ seed: "demo", stateFile });
  try {
    assert.ok(second.restored);
    assert.ok(second.admin.assets().some((a) => a.name === "Kept"));
  } finally {
    await second.close();
  }
});
