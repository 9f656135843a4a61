import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { dattoRmmConfig } from "../../../src/connectors/datto-rmm/config.ts";
import { dattoRmmConnector } from "../../../src/connectors/datto-rmm/module.ts";
import { VendorError } from "../../../src/connectors/http/index.ts";
import type { ConnectorRuntime } from "../../../src/connectors/module.ts";
import { LifecycleError } from "../../../src/domain/errors.ts";
import { parseWith } from "../../../src/domain/result.ts";
import { startDattoRmmEmulator } from "../../../emulators/datto-rmm/index.ts";
import { dattoDemo, demoCredential, globexSection, rig, wire, type Rig } from "./support.ts";

const g = dattoDemo.globex;
const tom = { email: g.tom.email, accounts: [g.tom.account] };

let current: Rig | undefined;
async function open(...args: Parameters<typeof rig>): Promise<Rig> {
  current = await rig(...args);
  return current;
}
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function failure(p: Promise<unknown>): Promise<LifecycleError> {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof LifecycleError, `expected a LifecycleError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the call to fail");
}

async function vendorFailure(p: Promise<unknown>): Promise<VendorError> {
  const error = await failure(p);
  assert.ok(error instanceof VendorError, `expected a VendorError, got ${error.name}`);
  return error;
}

const posts = (r: Rig) => wire(r.emu).filter((l) => l.startsWith("POST"));

describe("end users", () => {
  test("Datto keeps none: findEndUser answers nothing, create and remove refuse NOT_SUPPORTED", async () => {
    const { rmm, emu } = await open();
    assert.equal(rmm.endUsers, false);
    assert.equal(await rmm.findEndUser(g.tom.email), undefined);
    const created = await failure(
      rmm.createEndUser({ firstName: "Sarah", lastName: "Johnson", email: "sarah.johnson@globex.de" }),
    );
    assert.equal(created.failure.kind, "invalid");
    assert.equal(created.failure.code, "NOT_SUPPORTED");
    const removed = await failure(rmm.removeEndUser("1"));
    assert.equal(removed.failure.code, "NOT_SUPPORTED");
    assert.deepEqual(wire(emu), [], "nothing asked of Datto");
  });
});

describe("devices by serial", () => {
  test("finds the new desktop by its audit's BIOS serial, without regard to case; the printer is not audited", async () => {
    const r = await open();
    const found = await r.rmm.findDeviceBySerial(" glx-dt-0107 ");
    assert.deepEqual(found, {
      id: g.devices.newDesktop,
      name: "GLX-BER-WS07",
      serial: g.serials.newDesktop,
      url: `https://merlot.centrastage.net/csm/search?qs=uid%3A${g.devices.newDesktop}`,
    });
    assert.ok(!wire(r.emu).some((l) => l.includes(g.devices.printer)), "a printer has no audit to read");
  });

  test("an unknown serial, an empty one and another site's serial are nothing", async () => {
    const { rmm } = await open();
    assert.equal(await rmm.findDeviceBySerial("NOPE-0000"), undefined);
    assert.equal(await rmm.findDeviceBySerial("  "), undefined);
    assert.equal(await rmm.findDeviceBySerial("INI-LT-0001"), undefined);
  });

  test("a device named after its serial is audited first: one audit, not one per device", async () => {
    const r = await open();
    r.emu.admin.createDevice({ site: g.siteUid, hostname: "GLX-DT-0999", serialNumber: "GLX-DT-0999" });
    r.emu.admin.clearCalls();
    assert.equal((await r.rmm.findDeviceBySerial("GLX-DT-0999"))?.name, "GLX-DT-0999");
    assert.equal(wire(r.emu).filter((l) => l.includes("/audit/")).length, 1, wire(r.emu).join("\n"));
  });

  test("with serialSource a UDF, the serial is read from that UDF and no audit is asked", async () => {
    const r = await open({ serialSource: "udf5" });
    r.emu.admin.createDevice({ site: g.siteUid, hostname: "GLX-BER-LT20", udf: { udf5: "PF4XYZ12" } });
    const found = await r.rmm.findDeviceBySerial("pf4xyz12");
    assert.equal(found?.name, "GLX-BER-LT20");
    assert.equal(found?.serial, "PF4XYZ12");
    assert.ok(!wire(r.emu).some((l) => l.includes("/audit/")));
  });

  test("pages through the site's devices by pageDetails.nextPageUrl until the serial turns up", async () => {
    const r = await open({ pageSize: 2 });
    const found = await r.rmm.findDeviceBySerial(g.serials.annaLaptop);
    assert.equal(found?.id, g.devices.annaLaptop);
    const pages = wire(r.emu).filter((l) => l.includes("/devices"));
    assert.equal(pages.length, 3, pages.join("\n"));
    assert.match(pages[0] ?? "", /devices\?max=2 200$/);
    assert.match(pages[1] ?? "", /max=2&page=1 200$/);
    assert.match(pages[2] ?? "", /max=2&page=2 200$/);
  });
});

describe("a person's devices", () => {
  test("Tom's laptop: owned by his address and last signed in by his account; Initech's twilliams is not Globex's", async () => {
    const { rmm } = await open();
    const devices = await rmm.devicesOf(tom);
    assert.deepEqual(devices, [
      {
        id: g.devices.tomLaptop,
        name: "GLX-BER-LT14",
        serial: g.serials.tomLaptop,
        owner: g.tom.email,
        lastLoggedInUser: g.tom.account,
        url: `https://merlot.centrastage.net/csm/search?qs=uid%3A${g.devices.tomLaptop}`,
      },
    ]);
  });

  test("by owner alone (any case), or by account alone (any case, with or without its domain)", async () => {
    const r = await open();
    const byOwner = r.emu.admin.createDevice({
      site: g.siteUid,
      hostname: "GLX-BER-LT30",
      lastLoggedInUser: "GLOBEX\\someone.else",
      udf: { udf3: "TWilliams@Globex.de" },
    });
    const bySignIn = r.emu.admin.createDevice({
      site: g.siteUid,
      hostname: "GLX-BER-WS31",
      lastLoggedInUser: "GLOBEX\\TWilliams",
    });
    const ids = async (person: { email: string; accounts: string[] }) =>
      (await r.rmm.devicesOf(person)).map((d) => d.id).sort();
    assert.deepEqual(
      await ids({ email: "nobody@globex.de", accounts: ["twilliams"] }),
      [g.devices.tomLaptop, bySignIn.uid].sort(),
    );
    assert.deepEqual(
      await ids({ email: "nobody@globex.de", accounts: ["TWilliams@globex.de"] }),
      [g.devices.tomLaptop, bySignIn.uid].sort(),
      "a sign-in address finds what its NetBIOS form does",
    );
    assert.deepEqual(
      await ids({ email: "TWILLIAMS@globex.de", accounts: [] }),
      [g.devices.tomLaptop, byOwner.uid].sort(),
    );
  });
});

describe("the device's owner", () => {
  test("sets the owner UDF, leaves the other UDFs; a second set reads and writes nothing", async () => {
    const r = await open();
    await r.rmm.setDeviceOwner(g.devices.newDesktop, { email: "sarah.johnson@globex.de" });
    const udf = r.emu.admin.device(g.devices.newDesktop).udf;
    assert.equal(udf.udf3, "sarah.johnson@globex.de");
    assert.equal(udf.udf1, "Asset 4502", "the asset tag is left alone");
    const post = r.emu.admin.calls({ api: "api" }).find((c) => c.method === "POST");
    assert.deepEqual(post?.requestBody, { udf3: "sarah.johnson@globex.de" });
    r.emu.admin.clearCalls();
    await r.rmm.setDeviceOwner(g.devices.newDesktop, { email: "Sarah.Johnson@globex.de" });
    assert.deepEqual(posts(r), [], "already so: no write spent");
  });

  test("another owner is replaced; a device of another site or none at all is not found, with Datto's 404 kept", async () => {
    const r = await open();
    await r.rmm.setDeviceOwner(g.devices.tomLaptop, { email: "sarah.johnson@globex.de" });
    assert.equal(r.emu.admin.device(g.devices.tomLaptop).udf.udf3, "sarah.johnson@globex.de");
    const other = await failure(
      r.rmm.setDeviceOwner(dattoDemo.initech.devices.tomLaptop, { email: "x@globex.de" }),
    );
    assert.equal(other.failure.code, "OBJECT_NOT_FOUND");
    assert.equal(
      r.emu.admin.device(dattoDemo.initech.devices.tomLaptop).udf.udf3,
      dattoDemo.initech.tom.email,
    );
    const missing = await vendorFailure(r.rmm.setDeviceOwner("00000000-dead-beef", { email: "x@globex.de" }));
    assert.equal(missing.failure.kind, "not-found");
    assert.equal(missing.failure.code, "OBJECT_NOT_FOUND");
    assert.equal(missing.status, 404);
    assert.ok(missing.vendor.requestId, "Datto's request id is kept");
    assert.match(missing.message, /Device was not found\./);
  });

  test("clears the owner with an empty value; a device with none, a missing one and one deleted meanwhile are done", async () => {
    const r = await open();
    await r.rmm.clearDeviceOwner(g.devices.tomLaptop);
    const udf = r.emu.admin.device(g.devices.tomLaptop).udf;
    assert.equal(udf.udf3, null);
    assert.equal(udf.udf1, "Asset 4471");
    assert.deepEqual(r.emu.admin.calls({ api: "api" }).find((c) => c.method === "POST")?.requestBody, {
      udf3: "",
    });
    r.emu.admin.clearCalls();
    await r.rmm.clearDeviceOwner(g.devices.tomLaptop);
    await r.rmm.clearDeviceOwner(g.devices.newDesktop);
    assert.deepEqual(posts(r), [], "nobody's: nothing written");
    await r.rmm.clearDeviceOwner("00000000-dead-beef");
    r.emu.admin.injectFault({ kind: "status", status: 404, method: "POST", pathPattern: "/udf$" });
    await r.rmm.clearDeviceOwner(g.devices.annaLaptop);
    assert.ok(
      wire(r.emu).some((l) => l.startsWith("POST") && l.endsWith(" 404")),
      "the 404 was Datto's",
    );
  });
});

describe("Datto's refusals", () => {
  test("a 429 with Retry-After is waited out and the call repeated", async () => {
    const r = await open();
    r.emu.admin.injectFault({
      kind: "status",
      status: 429,
      retryAfterSeconds: 0,
      count: 2,
      pathPattern: "^/api/",
    });
    assert.equal((await r.rmm.findDeviceBySerial(g.serials.newDesktop))?.id, g.devices.newDesktop);
    const statuses = wire(r.emu).map((l) => l.split(" ").pop());
    assert.deepEqual(statuses.slice(0, 3), ["429", "429", "200"]);
  });

  test("a full window is THROTTLED: Retry-After when Datto sends one, else the documented 60 s", async () => {
    const r = await open();
    r.emu.admin.exhaustRateLimit();
    const plain = await vendorFailure(r.rmm.devicesOf(tom));
    assert.equal(plain.failure.kind, "throttled");
    assert.equal(plain.failure.code, "THROTTLED");
    assert.equal(plain.failure.retryAfterMs, 60_000, "no header: the reference's 60 s");
    assert.equal(plain.status, 429);
    r.emu.admin.configure({ retryAfter: true });
    r.emu.admin.advanceClock(30_000);
    const timed = await vendorFailure(r.rmm.devicesOf(tom));
    assert.equal(timed.failure.retryAfterMs, 30_000, "the window clears 30 s later");
    r.emu.admin.advanceClock(30_000);
    assert.equal((await r.rmm.devicesOf(tom)).length, 1);
  });

  test("a blocked address's 403 is a 5-minute wait, not a missing permission", async () => {
    const r = await open();
    r.emu.admin.blockAddress("127.0.0.1");
    const blocked = await vendorFailure(r.rmm.findDeviceBySerial("X"));
    assert.equal(blocked.failure.kind, "throttled");
    assert.equal(blocked.failure.retryAfterMs, 5 * 60_000);
    assert.equal(blocked.status, 403);
  });

  test("a key without access to the site is FORBIDDEN, with Datto's status, text and request id", async () => {
    const emu = await startDattoRmmEmulator({ profile: "fast", seed: "demo" });
    emu.admin.addApiKey({ apiKey: "INITECH-ONLY", apiSecret: "s", sites: [dattoDemo.initech.siteUid] });
    const r = await open({}, { apiKey: "INITECH-ONLY", apiSecret: "s" }, emu);
    const refused = await vendorFailure(r.rmm.devicesOf(tom));
    assert.equal(refused.failure.kind, "permission");
    assert.equal(refused.failure.code, "FORBIDDEN");
    assert.equal(refused.status, 403);
    assert.equal(refused.vendor.code, "Forbidden");
    assert.ok(refused.vendor.requestId);
    assert.match(refused.message, /doesn't have access to this resource/);
  });

  test("a revoked token is fetched again once; a 401 that persists is AUTH_FAILED with Datto's text", async () => {
    const r = await open();
    await r.rmm.devicesOf(tom);
    r.emu.admin.revokeTokens();
    assert.equal((await r.rmm.devicesOf(tom)).length, 1);
    r.emu.admin.injectFault({ kind: "status", status: 401, count: 2, pathPattern: "^/api/" });
    const refused = await vendorFailure(r.rmm.devicesOf(tom));
    assert.equal(refused.failure.code, "AUTH_FAILED");
    assert.equal(refused.status, 401);
    assert.ok(refused.vendor.requestId);
    assert.match(refused.message, /Request can not be authorized/);
  });

  test("a wrong secret fails at the token endpoint as AUTH_FAILED, invalid_grant kept", async () => {
    const r = await open({}, { apiKey: dattoDemo.apiKey, apiSecret: "wrong" });
    const refused = await vendorFailure(r.rmm.devicesOf(tom));
    assert.equal(refused.failure.code, "AUTH_FAILED");
    assert.equal(refused.status, 400);
    assert.equal(refused.vendor.code, "invalid_grant");
    assert.ok(!JSON.stringify(refused.failure).includes("wrong"), "the secret is nowhere in the failure");
  });

  test("an owner Datto refuses (over 255 characters) is VENDOR_INVALID with status and request id", async () => {
    const r = await open();
    const refused = await vendorFailure(
      r.rmm.setDeviceOwner(g.devices.newDesktop, { email: `${"x".repeat(250)}@globex.de` }),
    );
    assert.equal(refused.failure.kind, "invalid");
    assert.equal(refused.failure.code, "VENDOR_INVALID");
    assert.equal(refused.status, 400);
    assert.ok(refused.vendor.requestId);
    assert.match(refused.message, /Request parameters are invalid\./);
    assert.equal(posts(r).length, 1, "not retried");
  });

  test("Datto's text is read whatever its envelope: Spring's, OAuth's, a bare message or plain text", async () => {
    const r = await open();
    for (const errorStyle of ["spring", "oauth", "message", "text"] as const) {
      r.emu.admin.configure({ errorStyle });
      const missing = await vendorFailure(
        r.rmm.setDeviceOwner("00000000-dead-beef", { email: "x@globex.de" }),
      );
      assert.match(missing.message, /Device was not found\./, errorStyle);
      assert.equal(missing.failure.code, "OBJECT_NOT_FOUND", errorStyle);
    }
  });

  test("a concurrent-write 409 is retried, and the write lands", async () => {
    const r = await open();
    r.emu.admin.injectFault({ kind: "status", status: 409, method: "POST", count: 1, pathPattern: "^/api/" });
    await r.rmm.setDeviceOwner(g.devices.newDesktop, { email: "sarah.johnson@globex.de" });
    assert.equal(r.emu.admin.device(g.devices.newDesktop).udf.udf3, "sarah.johnson@globex.de");
  });
});

describe("the module", () => {
  const runtime = (): ConnectorRuntime => {
    const shared = new Map<string, unknown>();
    return {
      shared<T>(key: string, make: () => T): T {
        if (!shared.has(key)) shared.set(key, make());
        return shared.get(key) as T;
      },
    };
  };
  const fields = (section: unknown) => {
    const r = parseWith(dattoRmmConfig, section, "config");
    return r.ok ? "ok" : r.errors.map((e) => e.field).join(",");
  };

  test("the config names the field it refuses", () => {
    const good = { platform: "Merlot", siteUid: g.siteUid, ownerUdf: "udf3" };
    assert.equal(fields(good), "ok");
    assert.equal(fields({ ...good, ownerUdf: undefined }), "ownerUdf");
    assert.equal(fields({ ...good, ownerUdf: "udf31" }), "ownerUdf");
    assert.equal(fields({ ...good, platform: "Chardonnay" }), "platform");
    assert.equal(fields({ siteUid: g.siteUid, ownerUdf: "udf3" }), "platform");
    assert.equal(fields({ ...good, baseUrl: "https://merlot-api.centrastage.net" }), "baseUrl");
    assert.equal(fields({ ...good, platform: undefined, baseUrl: "http://example.com" }), "baseUrl");
    assert.equal(fields({ ...good, siteUid: "../account" }), "siteUid");
    assert.equal(fields({ ...good, serialSource: "udf3" }), "serialSource");
    assert.equal(fields({ ...good, pageSize: 500 }), "pageSize");
    assert.equal(fields({ ...good, extra: 1 }), "extra");
  });

  test("a platform is its -api.centrastage.net host; the port is served from the descriptor", async () => {
    const emu = await startDattoRmmEmulator({ profile: "fast", seed: "demo" });
    current = { close: () => emu.close() } as Rig;
    assert.deepEqual(dattoRmmConnector.provides, ["rmm"]);
    assert.equal(dattoRmmConnector.system, "rmm");
    assert.ok(dattoRmmConnector.limits.ratePerSecond <= 10, "within 600 a minute");
    const opened = dattoRmmConnector.open(globexSection(emu), demoCredential, runtime());
    assert.ok(opened.ok);
    assert.equal(
      (await opened.value.rmm?.findDeviceBySerial(g.serials.newDesktop))?.id,
      g.devices.newDesktop,
    );
    const token = emu.admin.calls({ api: "token" });
    assert.equal(token.length, 1);
    assert.equal(token[0]?.requestBody, undefined, "the token request's form is not logged");
  });

  test("testConnection: the key pair gets a token and reads the site; a wrong secret and an unknown site fail as Datto said", async () => {
    const emu = await startDattoRmmEmulator({ profile: "fast", seed: "demo" });
    current = { close: () => emu.close() } as Rig;
    const tested = async (section: unknown, credential: unknown) => {
      try {
        const r = await dattoRmmConnector.testConnection!(section, credential, runtime());
        return r.ok ? "ok" : r.errors.map((e) => e.field).join(",");
      } catch (err) {
        assert.ok(err instanceof LifecycleError, String(err));
        return `${err.failure.code}:${err.failure.vendor?.status ?? "-"}`;
      }
    };
    assert.equal(await tested(globexSection(emu), demoCredential), "ok");
    assert.ok(emu.admin.calls().some((c) => c.api === "token"));
    assert.ok(emu.admin.calls().some((c) => c.route === "/api/v2/site/:siteUid" && c.status === 200));
    assert.equal(
      await tested(globexSection(emu), { ...demoCredential, apiSecret: "wrong" }),
      "AUTH_FAILED:400",
    );
    assert.equal(
      await tested(globexSection(emu, { siteUid: "11111111-2222-3333-4444-555555555555" }), demoCredential),
      "OBJECT_NOT_FOUND:404",
    );
    assert.equal(await tested(globexSection(emu, { ownerUdf: "owner" }), demoCredential), "ownerUdf");
    assert.equal(await tested(globexSection(emu), { apiKey: "" }), "apiKey,apiSecret");
  });
});
