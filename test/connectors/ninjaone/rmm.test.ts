import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, test } from "node:test";
import { VendorError } from "../../../src/connectors/http/index.ts";
import { LifecycleError } from "../../../src/domain/errors.ts";
import { ninjaDemo, rig, wire, type Rig, type RigOptions } from "./support.ts";

const acme = ninjaDemo.acme;
let current: Rig | undefined;
async function open(opts?: RigOptions): Promise<Rig> {
  current = await rig(opts);
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

const sarah = { firstName: "Sarah", lastName: "Johnson", email: "sarah.johnson@acmecorp.com" };

describe("end users", () => {
  test("finds the organisation's end user whatever the case; Initech's people are not Acme's", async () => {
    const { rmm } = await open();
    assert.equal(rmm.endUsers, true);
    assert.deepEqual(await rmm.findEndUser("Tom.Williams@AcmeCorp.com"), {
      id: String(acme.tom.id),
      ownerRef: acme.tom.uid,
      email: acme.tom.email,
      firstName: "Tom",
      lastName: "Williams",
      enabled: true,
    });
    assert.equal(await rmm.findEndUser(ninjaDemo.initech.peter.email), undefined);
    assert.equal(await rmm.findEndUser("nobody@acmecorp.com"), undefined);
  });

  test("creates the end user in the client's organisation, no invitation and no full portal access by default", async () => {
    const { rmm, ninja } = await open();
    const created = await rmm.createEndUser({ ...sarah, phone: "+1 555 0142" });
    const stored = ninja.admin.endUser(Number(created.id));
    assert.equal(stored.organizationId, acme.organizationId);
    assert.equal(stored.uid, created.ownerRef);
    assert.equal(stored.fullPortalAccess, false);
    assert.equal(stored.invited, false);
    assert.equal(stored.phone, "+1 555 0142");
    const post = ninja.admin.calls().find((c) => c.method === "POST" && c.api === "api");
    assert.equal(post?.url, "/v2/user/end-users?sendInvitation=false");
    assert.deepEqual(post?.requestBody, {
      ...sarah,
      phone: "+1 555 0142",
      organizationId: acme.organizationId,
      fullPortalAccess: false,
    });
  });

  test("sendInvitation and fullPortalAccess are the client's settings", async () => {
    const { rmm, ninja } = await open({ config: { sendInvitation: true, fullPortalAccess: true } });
    const created = await rmm.createEndUser(sarah);
    const stored = ninja.admin.endUser(Number(created.id));
    assert.equal(stored.invited, true);
    assert.equal(stored.fullPortalAccess, true);
  });

  test("find before create: the second onboarding finds the first's end user and creates nothing", async () => {
    const { rmm, ninja } = await open();
    const ensure = async () => (await rmm.findEndUser(sarah.email)) ?? (await rmm.createEndUser(sarah));
    const first = await ensure();
    const second = await ensure();
    assert.equal(second.id, first.id);
    assert.equal(ninja.admin.endUsers(acme.organizationId).length, 2);
    assert.equal(wire(ninja).filter((l) => l.startsWith("POST /v2/user/end-users")).length, 1);
  });

  test("a create whose address is taken in the organisation answers that end user (a lost answer's retry)", async () => {
    const { rmm, ninja } = await open();
    const again = await rmm.createEndUser({ firstName: "Tom", lastName: "Williams", email: acme.tom.email });
    assert.equal(again.id, String(acme.tom.id));
    assert.deepEqual(
      wire(ninja).filter((l) => !l.startsWith("POST /ws")),
      [
        "POST /v2/user/end-users?sendInvitation=false 400",
        `GET /v2/organization/${acme.organizationId}/end-users 200`,
      ],
    );
  });

  test("an address another organisation's person has stays a conflict, with NinjaOne's code, status and request id", async () => {
    const { rmm, ninja } = await open();
    const error = await vendorFailure(
      rmm.createEndUser({ firstName: "Peter", lastName: "Gibbons", email: ninjaDemo.initech.peter.email }),
    );
    assert.equal(error.failure.kind, "conflict");
    assert.equal(error.failure.code, "ALREADY_EXISTS");
    assert.equal(error.vendor.code, "USER_ALREADY_EXISTS");
    assert.equal(error.status, 400);
    const refused = ninja.admin.calls().find((c) => c.status === 400);
    assert.equal(error.vendor.requestId, refused?.requestId);
  });

  test("a validation error keeps NinjaOne's code, status, words and request id", async () => {
    const { rmm, ninja } = await open();
    const error = await vendorFailure(rmm.createEndUser({ ...sarah, firstName: "" }));
    assert.equal(error.failure.kind, "invalid");
    assert.equal(error.failure.code, "VENDOR_INVALID");
    assert.equal(error.vendor.code, "INVALID_FIELD");
    assert.equal(error.status, 400);
    assert.match(error.message, /firstName: should be between 1 and 150 characters/);
    assert.equal(error.vendor.requestId, ninja.admin.calls().find((c) => c.status === 400)?.requestId);
    assert.equal(wire(ninja).filter((l) => l.startsWith("POST /v2")).length, 1, "a create is never resent");
  });

  test("in the {error} style the message is still NinjaOne's", async () => {
    const { rmm, ninja } = await open();
    ninja.admin.configure({ errorStyle: "error" });
    const error = await vendorFailure(rmm.createEndUser({ ...sarah, email: "not-an-address" }));
    assert.equal(error.failure.code, "VENDOR_INVALID");
    assert.match(error.message, /email: must be an email address/);
  });

  test("removing deletes the end user; removing again, an unknown id or a non-number is done", async () => {
    const { rmm, ninja } = await open();
    await rmm.removeEndUser(String(acme.tom.id));
    assert.equal(ninja.admin.endUsers(acme.organizationId).length, 0);
    assert.equal(ninja.admin.device(acme.devices.tomLaptop).assignedOwnerUid, undefined);
    await rmm.removeEndUser(String(acme.tom.id));
    await rmm.removeEndUser("987654");
    await rmm.removeEndUser("tom");
    assert.equal(wire(ninja).filter((l) => l.startsWith("DELETE")).length, 1);
  });

  test("a 404 on the DELETE itself (gone in between) is done", async () => {
    const { rmm, ninja } = await open();
    ninja.admin.injectFault({
      kind: "status",
      status: 404,
      method: "DELETE",
      pathPattern: "^/v2/user/end-user/",
    });
    await rmm.removeEndUser(String(acme.tom.id));
    assert.ok(wire(ninja).includes(`DELETE /v2/user/end-user/${acme.tom.id} 404`));
  });

  test("another organisation's end user is not this client's to delete", async () => {
    const { rmm, ninja } = await open();
    await rmm.removeEndUser(String(ninjaDemo.initech.peter.id));
    assert.ok(
      ninja.admin.endUsers(ninjaDemo.initech.organizationId).some((u) => u.id === ninjaDemo.initech.peter.id),
    );
    assert.equal(wire(ninja).filter((l) => l.startsWith("DELETE")).length, 0);
  });
});

describe("devices", () => {
  test("finds the spare laptop by serial, whatever the case, paging with pageSize and after", async () => {
    const { rmm, ninja } = await open({ config: { pageSize: 1 } });
    const spare = await rmm.findDeviceBySerial(" acme-pc-0042 ");
    assert.deepEqual(spare, {
      id: String(acme.devices.spare),
      name: "ACME-LT-0042",
      serial: acme.spareSerial,
    });
    const pages = wire(ninja).filter((l) => l.startsWith("GET /v2/devices-detailed"));
    assert.deepEqual(pages, [
      `GET /v2/devices-detailed?df=org+=+${acme.organizationId}&pageSize=1 200`,
      `GET /v2/devices-detailed?df=org+=+${acme.organizationId}&pageSize=1&after=${acme.devices.tomLaptop} 200`,
    ]);
  });

  test("an unknown serial reads every page to the short one; Initech's serials are not Acme's", async () => {
    const { rmm, ninja } = await open({ config: { pageSize: 2 } });
    assert.equal(await rmm.findDeviceBySerial("INI-LT-0100"), undefined);
    const pages = wire(ninja).filter((l) => l.startsWith("GET /v2/devices-detailed"));
    // Four Acme devices: two full pages, then an empty one that ends it.
    assert.equal(pages.length, 3, pages.join("\n"));
    assert.match(pages[2] ?? "", /after=2004/);
    assert.equal(await rmm.findDeviceBySerial("  "), undefined);
  });

  test("the device URL is the client's template", async () => {
    const { rmm } = await open({
      config: { deviceUrl: "https://eu.ninjarmm.com/#/deviceDashboard/{id}/overview" },
    });
    const spare = await rmm.findDeviceBySerial(acme.spareSerial);
    assert.equal(spare?.url, `https://eu.ninjarmm.com/#/deviceDashboard/${acme.devices.spare}/overview`);
  });

  test("a person's devices: owned by their end user, or last signed in on by one of their accounts", async () => {
    const { rmm, ninja } = await open({ config: { pageSize: 3 } });
    ninja.admin.createDevice({
      organization: acme.organizationId,
      displayName: "ACME-LT-0050",
      serialNumber: "ACME-LT-0050",
      lastLoggedInUser: "AzureAD\\Tom.Williams",
    });
    const tom = await rmm.devicesOf({
      email: acme.tom.email,
      ownerRef: acme.tom.uid,
      accounts: ["tom.williams@acmecorp.com"],
    });
    assert.deepEqual(tom.map((d) => d.name).sort(), ["ACME-LT-0050", "ACME-LT-0117"]);
    assert.equal(tom.find((d) => d.name === "ACME-LT-0117")?.owner, acme.tom.uid);
    const mike = await rmm.devicesOf({ email: "mike.chen@acmecorp.com", accounts: ["ACME\\MIKE.CHEN"] });
    assert.deepEqual(
      mike.map((d) => d.id),
      [String(acme.devices.reception)],
    );
    assert.deepEqual(await rmm.devicesOf({ email: "x@acmecorp.com", accounts: [] }), []);
  });

  test("without an ownerRef the end user is looked up by address; Initech's tom.williams sign-in is not Acme's", async () => {
    const { rmm } = await open();
    const tom = await rmm.devicesOf({ email: acme.tom.email, accounts: [] });
    assert.deepEqual(
      tom.map((d) => d.id),
      [String(acme.devices.tomLaptop)],
    );
    const byAccount = await rmm.devicesOf({
      email: "tom@elsewhere.example",
      accounts: ["INITECH\\tom.williams"],
    });
    assert.deepEqual(
      byAccount.map((d) => d.id),
      [String(acme.devices.tomLaptop)],
    );
  });
});

describe("device owner", () => {
  test("sets the owner to the end user's uid; the same owner again sends nothing", async () => {
    const { rmm, ninja } = await open();
    const created = await rmm.createEndUser(sarah);
    await rmm.setDeviceOwner(String(acme.devices.spare), { email: sarah.email, ownerRef: created.ownerRef! });
    assert.equal(ninja.admin.device(acme.devices.spare).assignedOwnerUid, created.ownerRef);
    assert.ok(wire(ninja).includes(`POST /v2/device/${acme.devices.spare}/owner/${created.ownerRef} 204`));
    ninja.admin.clearCalls();
    await rmm.setDeviceOwner(String(acme.devices.spare), { email: sarah.email, ownerRef: created.ownerRef! });
    assert.deepEqual(
      wire(ninja).filter((l) => l.startsWith("POST /v2")),
      [],
    );
  });

  test("an owner given by address alone is found as the organisation's end user; an unknown one is not-found", async () => {
    const { rmm, ninja } = await open();
    await rmm.setDeviceOwner(String(acme.devices.spare), { email: acme.tom.email });
    assert.equal(ninja.admin.device(acme.devices.spare).assignedOwnerUid, acme.tom.uid);
    const error = await failure(
      rmm.setDeviceOwner(String(acme.devices.reception), { email: "nobody@acmecorp.com" }),
    );
    assert.equal(error.failure.kind, "not-found");
    assert.equal(error.failure.code, "OBJECT_NOT_FOUND");
  });

  test("another organisation's device, an unknown one and a non-number are not-found and untouched", async () => {
    const { rmm, ninja } = await open();
    for (const id of [String(ninjaDemo.initech.devices.tomDesktop), "999999", "ACME-LT-0042"]) {
      const error = await failure(rmm.setDeviceOwner(id, { email: acme.tom.email, ownerRef: acme.tom.uid }));
      assert.equal(error.failure.code, "OBJECT_NOT_FOUND", id);
    }
    assert.equal(ninja.admin.device(ninjaDemo.initech.devices.tomDesktop).assignedOwnerUid, undefined);
    assert.equal(wire(ninja).filter((l) => l.startsWith("POST /v2")).length, 0);
  });

  test("clearing removes the owner; a device with none is left as it is", async () => {
    const { rmm, ninja } = await open();
    await rmm.clearDeviceOwner(String(acme.devices.tomLaptop));
    assert.equal(ninja.admin.device(acme.devices.tomLaptop).assignedOwnerUid, undefined);
    await rmm.clearDeviceOwner(String(acme.devices.spare));
    assert.deepEqual(
      wire(ninja).filter((l) => l.startsWith("DELETE")),
      [`DELETE /v2/device/${acme.devices.tomLaptop}/owner 204`],
    );
  });
});

describe("transport", () => {
  test("a 429 with Retry-After is waited out and retried by the http layer", async () => {
    const { rmm, ninja } = await open();
    ninja.admin.injectFault({
      kind: "status",
      status: 429,
      retryAfterSeconds: 0.05,
      pathPattern: "/end-users",
    });
    const t0 = Date.now();
    assert.ok(await rmm.findEndUser(acme.tom.email));
    assert.ok(Date.now() - t0 >= 50);
    assert.deepEqual(
      wire(ninja)
        .filter((l) => l.includes("/end-users"))
        .map((l) => l.split(" ").at(-1)),
      ["429", "200"],
    );
  });

  test("the instance's own budget answers 429 + Retry-After, and the connector rides it out", async () => {
    const { rmm, ninja } = await open({ realBudget: true });
    ninja.admin.configure({ rateLimit: { requests: 2, windowMs: 200 } });
    for (let i = 0; i < 4; i++) assert.ok(await rmm.findEndUser(acme.tom.email));
    const throttled = ninja.admin.calls().filter((c) => c.status === 429);
    assert.ok(throttled.length >= 1, "the budget never ran out");
    assert.deepEqual(throttled[0]?.responseBody, {
      resultCode: "TOO_MANY_REQUESTS",
      errorMessage: "Too many requests",
    });
  });

  test("a 429 on a create is retried (refused, so not done); a 503 on a create is not", async () => {
    const { rmm, ninja } = await open();
    ninja.admin.injectFault({
      kind: "status",
      status: 429,
      retryAfterSeconds: 0,
      method: "POST",
      pathPattern: "^/v2/user",
    });
    await rmm.createEndUser(sarah);
    ninja.admin.injectFault({ kind: "status", status: 503, method: "POST", pathPattern: "^/v2/user" });
    const error = await vendorFailure(rmm.createEndUser({ ...sarah, email: "s.j@acmecorp.com" }));
    assert.equal(error.failure.kind, "transient");
    assert.equal(error.failure.code, "VENDOR_UNAVAILABLE");
    assert.equal(error.status, 503);
  });

  test("one token serves every call; a revoked token is renewed once on the 401", async () => {
    const { rmm, ninja } = await open();
    await rmm.findEndUser(acme.tom.email);
    await rmm.findDeviceBySerial(acme.spareSerial);
    ninja.admin.revokeTokens();
    await rmm.findEndUser(acme.tom.email);
    const calls = wire(ninja);
    assert.equal(calls.filter((l) => l.startsWith("POST /ws/oauth/token")).length, 2, calls.join("\n"));
    assert.ok(calls.some((l) => l.includes("/end-users") && l.endsWith(" 401")));
  });

  test("a wrong secret is an auth failure with NinjaOne's OAuth code and status, not retried, the secret nowhere", async () => {
    const { rmm, ninja } = await open({
      credential: { clientId: ninjaDemo.clientId, clientSecret: "wrong-secret" },
    });
    const error = await vendorFailure(rmm.findEndUser(acme.tom.email));
    assert.equal(error.failure.kind, "permission");
    assert.equal(error.failure.code, "AUTH_FAILED");
    assert.equal(error.vendor.code, "invalid_client");
    assert.equal(error.status, 401);
    assert.ok(error.vendor.requestId);
    assert.equal(wire(ninja).filter((l) => l.startsWith("POST /ws/oauth/token")).length, 1);
    assert.ok(!JSON.stringify(error.failure).includes("wrong-secret"));
  });

  test("a token without the management scope is refused the owner change: FORBIDDEN, with code, status and request id", async () => {
    const { rmm, ninja } = await open({ scope: "monitoring" });
    assert.ok(await rmm.findEndUser(acme.tom.email), "monitoring reads");
    const error = await vendorFailure(rmm.clearDeviceOwner(String(acme.devices.tomLaptop)));
    assert.equal(error.failure.kind, "permission");
    assert.equal(error.failure.code, "FORBIDDEN");
    assert.equal(error.vendor.code, "FORBIDDEN");
    assert.equal(error.status, 403);
    assert.equal(error.vendor.requestId, ninja.admin.calls().find((c) => c.status === 403)?.requestId);
    assert.equal(ninja.admin.device(acme.devices.tomLaptop).assignedOwnerUid, acme.tom.uid);
  });

  test("the other token path works where the instance serves only it", async () => {
    const { rmm, ninja } = await open({ config: { tokenPath: "/oauth/token" } });
    ninja.admin.configure({ tokenPaths: ["/oauth/token"] });
    assert.ok(await rmm.findEndUser(acme.tom.email));
    assert.match(wire(ninja)[0] ?? "", /^POST \/oauth\/token 200/);
  });

  test("an answer that is not NinjaOne's shape is a malformed response, not a made-up record", async () => {
    const server = createServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        req.url?.includes("oauth") ? JSON.stringify({ access_token: "t", expires_in: 60 }) : '[{"id":"x"}]',
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { rmm } = await open({
      config: { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
    });
    try {
      const error = await vendorFailure(rmm.findEndUser(acme.tom.email));
      assert.equal(error.failure.code, "MALFORMED_RESPONSE");
      assert.equal(error.failure.kind, "transient");
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
