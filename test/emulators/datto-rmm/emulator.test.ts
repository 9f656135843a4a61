import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import {
  dattoDemo,
  startDattoRmmEmulator,
  type DattoRmmEmulator,
} from "../../../emulators/datto-rmm/index.ts";

const g = dattoDemo.globex;
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;

async function token(
  url: string,
  opts: { client?: [string, string]; secret?: string; grant?: string } = {},
): Promise<Response> {
  const [id, secret] = opts.client ?? ["public-client", "public"];
  return fetch(`${url}/auth/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic(id, secret) },
    body: new URLSearchParams({
      grant_type: opts.grant ?? "password",
      username: dattoDemo.apiKey,
      password: opts.secret ?? dattoDemo.apiSecret,
    }).toString(),
  });
}

describe("Datto RMM emulator", () => {
  let emu: DattoRmmEmulator;
  let bearer: Record<string, string>;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${emu.url}/api${path}`, { ...init, headers: { ...bearer, ...(init.headers ?? {}) } });
  const udf = (uid: string, body: unknown) =>
    api(`/v2/device/${uid}/udf`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  before(async () => {
    emu = await startDattoRmmEmulator({ seed: "demo" });
    const res = await token(emu.url);
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    assert.equal(body.token_type, "bearer");
    assert.equal(body.expires_in, 360_000, "100 hours");
    bearer = { authorization: `Bearer ${body.access_token}` };
  });
  after(() => emu.close());
  afterEach(() => {
    emu.admin.clearRateLimit();
    emu.admin.clearFaults();
    emu.admin.configure({
      errorStyle: "spring",
      retryAfter: false,
      rateLimit: { requests: 600, writes: 100, windowMs: 60_000, slowdownRatio: 0.9, slowdownMs: 1_000 },
      ipBlock: { afterRefusals: 20, durationMs: 300_000 },
    });
  });

  test("the token endpoint wants the public client and the key pair; the API wants the token", async () => {
    const wrongClient = await token(emu.url, { client: ["other", "x"] });
    assert.equal(wrongClient.status, 401);
    assert.equal(((await wrongClient.json()) as { error: string }).error, "invalid_client");
    const wrongSecret = await token(emu.url, { secret: "nope" });
    assert.equal(wrongSecret.status, 400);
    assert.deepEqual(await wrongSecret.json(), {
      error: "invalid_grant",
      error_description: "Bad credentials",
    });
    assert.equal((await token(emu.url, { grant: "client_credentials" })).status, 400);
    const anonymous = await fetch(`${emu.url}/api/v2/site/${g.siteUid}`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get("www-authenticate") ?? "", /^Bearer/);
    const body = (await anonymous.json()) as Record<string, unknown>;
    assert.equal(body.message, "Request can not be authorized");
    assert.equal(body.status, 401);
    assert.equal(body.path, `/api/v2/site/${g.siteUid}`);
    assert.ok(anonymous.headers.get("x-request-id"));
  });

  test("devices page by max and page (from 0), with absolute links, null at the ends; max is capped at 250", async () => {
    const first = (await (await api(`/v2/site/${g.siteUid}/devices?max=2`)).json()) as {
      pageDetails: {
        count: number;
        totalCount: number;
        prevPageUrl: string | null;
        nextPageUrl: string | null;
      };
      devices: { uid: string }[];
    };
    assert.deepEqual(first.pageDetails, {
      count: 2,
      totalCount: 5,
      prevPageUrl: null,
      nextPageUrl: `${emu.url}/api/v2/site/${g.siteUid}/devices?max=2&page=1`,
    });
    const last = (await (
      await fetch(`${emu.url}/api/v2/site/${g.siteUid}/devices?max=2&page=2`, { headers: bearer })
    ).json()) as typeof first;
    assert.equal(last.devices.length, 1);
    assert.equal(last.pageDetails.nextPageUrl, null);
    assert.match(last.pageDetails.prevPageUrl ?? "", /page=1$/);
    for (let i = 0; i < 260; i++)
      emu.admin.createDevice({ site: dattoDemo.initech.siteUid, hostname: `INI-${i}` });
    const big = (await (
      await api(`/v2/site/${dattoDemo.initech.siteUid}/devices?max=1000`)
    ).json()) as typeof first;
    assert.equal(big.devices.length, 250);
    assert.equal(((await (await api("/v2/system/pagination")).json()) as { max: number }).max, 250);
    assert.equal((await api(`/v2/site/${g.siteUid}/devices?page=-1`)).status, 400);
  });

  test('an unknown filter is "Filter was not found"; a known one selects its devices', async () => {
    const missing = await api(`/v2/site/${g.siteUid}/devices?filterId=999`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { message: string }).message, "Filter was not found");
    const f = emu.admin.createFilter({
      name: "Laptops",
      devices: [g.devices.tomLaptop, g.devices.annaLaptop],
    });
    const page = (await (await api(`/v2/site/${g.siteUid}/devices?filterId=${f.id}`)).json()) as {
      devices: { uid: string }[];
    };
    assert.deepEqual(
      page.devices.map((d) => d.uid).sort(),
      [g.devices.tomLaptop, g.devices.annaLaptop].sort(),
    );
  });

  test('a UDF write sets what it names, clears "" to null, keeps the rest; unknown keys and long values are refused', async () => {
    const res = await udf(g.devices.annaLaptop, { udf2: "Leased", udf3: "" });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "");
    const device = (await (await api(`/v2/device/${g.devices.annaLaptop}`)).json()) as {
      udf: Record<string, string | null>;
    };
    assert.equal(device.udf.udf2, "Leased");
    assert.equal(device.udf.udf3, null);
    assert.equal(Object.keys(device.udf).length, 30);
    const unknown = await udf(g.devices.annaLaptop, { owner: "x" });
    assert.equal(unknown.status, 400);
    assert.equal(((await unknown.json()) as { message: string }).message, "Request is invalid.");
    assert.equal((await udf(g.devices.annaLaptop, { udf3: "x".repeat(256) })).status, 400);
    const gone = await udf("00000000-0000-0000-0000-000000000000", { udf3: "x" });
    assert.equal(gone.status, 404);
    assert.equal(((await gone.json()) as { message: string }).message, "Device was not found.");
  });

  test("a device's audit carries its BIOS serial; a printer has none to give", async () => {
    const audit = (await (await api(`/v2/audit/device/${g.devices.newDesktop}`)).json()) as {
      bios: { serialNumber: string };
    };
    assert.equal(audit.bios.serialNumber, "GLX-DT-0107");
    const printer = await api(`/v2/audit/device/${g.devices.printer}`);
    assert.equal(printer.status, 400);
    assert.equal(
      ((await printer.json()) as { message: string }).message,
      "The device identified by the given device UID is not of class device.",
    );
  });

  test("the window: 429 past the limit until the oldest request ages out; refused requests do not count", async () => {
    emu.admin.configure({ retryAfter: true, rateLimit: { requests: 3, slowdownMs: 0 } });
    for (let i = 0; i < 3; i++) assert.equal((await api(`/v2/site/${g.siteUid}`)).status, 200);
    emu.admin.advanceClock(20_000);
    const refused = await api(`/v2/site/${g.siteUid}`);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("retry-after"), "40");
    assert.equal((await api(`/v2/site/${g.siteUid}`)).status, 429);
    emu.admin.advanceClock(40_000);
    assert.equal((await api(`/v2/site/${g.siteUid}`)).status, 200, "the window cleared");
    const rate = (await (await api("/v2/system/request_rate")).json()) as Record<string, unknown>;
    assert.equal(rate.accountCount, 2);
    assert.equal(rate.accountRateLimit, 3);
    assert.equal(rate.slidingTimeWindowSizeSeconds, 60);
  });

  test("writes have their own smaller window; reads go on while writes are refused", async () => {
    emu.admin.configure({ rateLimit: { writes: 2, slowdownMs: 0 } });
    assert.equal((await udf(g.devices.reception, { udf4: "a" })).status, 200);
    assert.equal((await udf(g.devices.reception, { udf4: "b" })).status, 200);
    const refused = await udf(g.devices.reception, { udf4: "c" });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("retry-after"), null, "no Retry-After unless the setting says so");
    assert.equal((await api(`/v2/device/${g.devices.reception}`)).status, 200);
  });

  test("persistent requests past the limit get 403 and the address is blocked for its duration", async () => {
    emu.admin.configure({
      rateLimit: { requests: 1, slowdownMs: 0 },
      ipBlock: { afterRefusals: 3, durationMs: 300_000 },
    });
    assert.equal((await api(`/v2/site/${g.siteUid}`)).status, 200);
    assert.equal((await api(`/v2/site/${g.siteUid}`)).status, 429);
    assert.equal((await api(`/v2/site/${g.siteUid}`)).status, 429);
    const blocked = await api(`/v2/site/${g.siteUid}`);
    assert.equal(blocked.status, 403);
    assert.match(((await blocked.json()) as { message: string }).message, /blocked/);
    emu.admin.advanceClock(120_000);
    assert.equal((await api(`/v2/site/${g.siteUid}`)).status, 403, "the window cleared, the block did not");
    emu.admin.advanceClock(180_000);
    assert.equal((await api(`/v2/site/${g.siteUid}`)).status, 200);
  });

  test("past 90 % of the window every answer is held back", async () => {
    emu.admin.configure({ rateLimit: { requests: 10, slowdownRatio: 0.5, slowdownMs: 200 } });
    const timed = async () => {
      const t0 = performance.now();
      await api(`/v2/site/${g.siteUid}`);
      return performance.now() - t0;
    };
    for (let i = 0; i < 5; i++) assert.ok((await timed()) < 150);
    assert.ok((await timed()) >= 190, "the sixth is past half of ten");
  });

  test("a key limited to some sites is refused the others and their devices", async () => {
    emu.admin.addApiKey({ apiKey: "LIMITED", apiSecret: "s", sites: [dattoDemo.initech.siteUid] });
    const res = await fetch(`${emu.url}/auth/oauth/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: basic("public-client", "public"),
      },
      body: "grant_type=password&username=LIMITED&password=s",
    });
    const limited = {
      authorization: `Bearer ${((await res.json()) as { access_token: string }).access_token}`,
    };
    assert.equal((await fetch(`${emu.url}/api/v2/site/${g.siteUid}`, { headers: limited })).status, 403);
    assert.equal(
      (await fetch(`${emu.url}/api/v2/device/${g.devices.tomLaptop}`, { headers: limited })).status,
      403,
    );
    const sites = (await (await fetch(`${emu.url}/api/v2/account/sites`, { headers: limited })).json()) as {
      sites: { uid: string }[];
    };
    assert.deepEqual(
      sites.sites.map((s) => s.uid),
      [dattoDemo.initech.siteUid],
    );
  });

  test("the error envelope follows errorStyle; unknown paths and wrong methods are told apart", async () => {
    emu.admin.configure({ errorStyle: "oauth" });
    const oauth = await api("/v2/device/nope");
    assert.deepEqual(await oauth.json(), { error: "not_found", error_description: "Device was not found." });
    emu.admin.configure({ errorStyle: "text" });
    assert.equal(await (await api("/v2/device/nope")).text(), "Device was not found.");
    emu.admin.configure({ errorStyle: "message" });
    assert.deepEqual(await (await api("/v2/device/nope")).json(), { message: "Device was not found." });
    assert.equal((await api(`/v2/site/${g.siteUid}`, { method: "DELETE" })).status, 405);
    assert.equal((await api("/v2/nothing/here")).status, 404);
  });
});

test("a state file keeps a UDF write across a restart", async () => {
  const dir = mkdtempSync(join(tmpdir(), "datto-emu-"));
  const stateFile = join(dir, "datto.json");
  try {
    const first = await startDattoRmmEmulator({ seed: "demo", stateFile });
    assert.equal(first.restored, false);
    const { access_token } = (await (await token(first.url)).json()) as { access_token: string };
    const written = await fetch(`${first.url}/api/v2/device/${g.devices.newDesktop}/udf`, {
      method: "POST",
      headers: { authorization: `Bearer ${access_token}`, "content-type": "application/json" },
      body: JSON.stringify({ udf3: "a@globex.de" }),
    });
    assert.equal(written.status, 200);
    await first.close();
    const second = await startDattoRmmEmulator({ seed: "demo", stateFile });
    try {
      assert.equal(second.restored, true);
      assert.equal(second.admin.device(g.devices.newDesktop).udf.udf3, "a@globex.de");
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
