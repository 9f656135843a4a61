import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  ninjaDemo,
  startNinjaOneEmulator,
  type NinjaOneEmulator,
} from "../../../emulators/ninjaone/index.ts";

const acme = ninjaDemo.acme;

async function token(
  url: string,
  opts: { secret?: string; scope?: string; path?: string } = {},
): Promise<Response> {
  return fetch(`${url}${opts.path ?? "/ws/oauth/token"}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: ninjaDemo.clientId,
      client_secret: opts.secret ?? ninjaDemo.clientSecret,
      scope: opts.scope ?? "monitoring management",
    }).toString(),
  });
}

describe("NinjaOne emulator", () => {
  let ninja: NinjaOneEmulator;
  let bearer: Record<string, string>;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${ninja.url}${path}`, { ...init, headers: { ...bearer, ...(init.headers ?? {}) } });
  const json = async <T>(res: Response | Promise<Response>) => (await (await res).json()) as T;

  before(async () => {
    ninja = await startNinjaOneEmulator({ seed: "demo" });
    const body = await json<{ access_token: string; token_type: string; expires_in: number; scope: string }>(
      token(ninja.url),
    );
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.scope, "monitoring management");
    bearer = { authorization: `Bearer ${body.access_token}` };
    ninja.admin.configure({ rateLimit: { requests: 10_000, windowMs: 1000 } });
  });
  after(() => ninja.close());

  test("both token paths answer; a wrong secret is invalid_client (401), a scope the app lacks invalid_scope", async () => {
    assert.equal((await token(ninja.url, { path: "/oauth/token" })).status, 200);
    const refused = await token(ninja.url, { secret: "nope" });
    assert.equal(refused.status, 401);
    assert.equal(((await refused.json()) as { error: string }).error, "invalid_client");
    const control = await token(ninja.url, { scope: "monitoring control" });
    assert.equal(control.status, 400);
    assert.equal(((await control.json()) as { error: string }).error, "invalid_scope");
    ninja.admin.configure({ tokenPaths: ["/ws/oauth/token"] });
    try {
      assert.equal((await token(ninja.url, { path: "/oauth/token" })).status, 404);
    } finally {
      ninja.admin.configure({ tokenPaths: ["/ws/oauth/token", "/oauth/token"] });
    }
  });

  test("a missing or unknown token is a 401 in NinjaOne's error shape, with a request id", async () => {
    const anonymous = await fetch(`${ninja.url}/v2/organization/${acme.organizationId}`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get("www-authenticate") ?? "", /^Bearer/);
    assert.ok(anonymous.headers.get("x-request-id"));
    assert.deepEqual(await anonymous.json(), {
      resultCode: "UNAUTHORIZED",
      errorMessage: "Full authentication is required",
    });
  });

  test("a token with monitoring only reads, and is refused a change with 403", async () => {
    const { access_token } = await json<{ access_token: string }>(token(ninja.url, { scope: "monitoring" }));
    const reader = { authorization: `Bearer ${access_token}` };
    assert.equal(
      (await fetch(`${ninja.url}/v2/device/${acme.devices.spare}`, { headers: reader })).status,
      200,
    );
    const refused = await fetch(`${ninja.url}/v2/device/${acme.devices.tomLaptop}/owner`, {
      method: "DELETE",
      headers: reader,
    });
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { resultCode: string }).resultCode, "FORBIDDEN");
  });

  test("devices-detailed pages by id with pageSize and after, filtered by df, capped at maxPageSize", async () => {
    const df = encodeURIComponent(`org = ${acme.organizationId}`);
    const ids = async (query: string) =>
      (await json<{ id: number }[]>(api(`/v2/devices-detailed?df=${df}${query}`))).map((d) => d.id);
    assert.deepEqual(await ids(""), [2001, 2002, 2003, 2004]);
    assert.deepEqual(await ids("&pageSize=2"), [2001, 2002]);
    assert.deepEqual(await ids("&pageSize=2&after=2002"), [2003, 2004]);
    assert.deepEqual(await ids("&pageSize=2&after=2004"), []);
    const both = encodeURIComponent(
      `org in (${acme.organizationId},${ninjaDemo.initech.organizationId}) AND class = WINDOWS_SERVER`,
    );
    assert.deepEqual(
      (await json<{ id: number }[]>(api(`/v2/devices-detailed?df=${both}`))).map((d) => d.id),
      [2004, 3003],
    );
    ninja.admin.configure({ maxPageSize: 3 });
    try {
      assert.deepEqual(await ids("&pageSize=100"), [2001, 2002, 2003]);
    } finally {
      ninja.admin.configure({ maxPageSize: 1000 });
    }
    const bad = await api(`/v2/devices-detailed?df=${encodeURIComponent("serial = X")}`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { resultCode: string }).resultCode, "INVALID_DEVICE_FILTER");
    assert.equal((await api("/v2/devices-detailed?pageSize=two")).status, 400);
  });

  test("a detailed device carries the agent's system serial and last signed-in user", async () => {
    const [tomLaptop] = await json<Record<string, unknown>[]>(
      api(`/v2/devices-detailed?df=${encodeURIComponent("id = 2001")}`),
    );
    assert.equal(tomLaptop?.assignedOwnerUid, acme.tom.uid);
    assert.equal((tomLaptop?.system as { serialNumber: string }).serialNumber, acme.tomSerial);
    assert.equal(tomLaptop?.lastLoggedInUser, "ACME\\tom.williams");
  });

  test("the organisation's end users are the spec's User; an end user by id is its EndUser", async () => {
    const [tom] = await json<Record<string, unknown>[]>(
      api(`/v2/organization/${acme.organizationId}/end-users`),
    );
    assert.equal(tom?.userType, "END_USER");
    assert.deepEqual(tom?.assignedDeviceIds, [acme.devices.tomLaptop]);
    const one = await json<Record<string, unknown>>(api(`/v2/user/end-user/${acme.tom.id}`));
    assert.equal(one.uid, acme.tom.uid);
    assert.equal(one.fullPortalAccess, false);
    assert.equal((await api("/v2/organization/999/end-users")).status, 404);
  });

  test("creating refuses a bad body and an address in use; the owner must be of the device's organisation", async () => {
    const post = (body: unknown) =>
      api("/v2/user/end-users", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const base = { firstName: "Sarah", lastName: "Johnson", organizationId: acme.organizationId };
    const noName = await post({ ...base, firstName: "", email: "s@acmecorp.com" });
    assert.deepEqual(await noName.json(), {
      resultCode: "INVALID_FIELD",
      errorMessage: "firstName: should be between 1 and 150 characters",
    });
    assert.equal((await post({ ...base, email: "TOM.williams@acmecorp.com" })).status, 400);
    assert.equal((await post({ ...base, email: "s@acmecorp.com", organizationId: 999 })).status, 400);
    const peterOnAcme = await api(`/v2/device/${acme.devices.spare}/owner/${ninjaDemo.initech.peter.uid}`, {
      method: "POST",
    });
    assert.equal(peterOnAcme.status, 400);
    assert.equal(
      (await api(`/v2/device/${acme.devices.spare}/owner/${crypto.randomUUID()}`, { method: "POST" })).status,
      404,
    );
  });

  test("the reference's /api/v2 base answers as /v2 does; an unknown path is 404, a wrong method 405", async () => {
    assert.equal((await api(`/api/v2/organization/${acme.organizationId}`)).status, 200);
    assert.equal((await api("/v2/nothing-here")).status, 404);
    assert.equal((await api(`/v2/device/${acme.devices.spare}/owner`, { method: "PUT" })).status, 405);
  });

  test("the {error} style answers { error } instead", async () => {
    ninja.admin.configure({ errorStyle: "error" });
    try {
      assert.deepEqual(await json(api("/v2/user/end-user/424242")), { error: "User 424242 not found" });
    } finally {
      ninja.admin.configure({ errorStyle: "resultcode" });
    }
  });

  test("a storm answers 429 with the storm's Retry-After", async () => {
    ninja.admin.startThrottleStorm(ninjaDemo.clientId, { durationMs: 60_000, retryAfterSeconds: 7 });
    try {
      const res = await api(`/v2/device/${acme.devices.spare}`);
      assert.equal(res.status, 429);
      assert.equal(res.headers.get("retry-after"), "7");
      assert.equal(((await res.json()) as { resultCode: string }).resultCode, "TOO_MANY_REQUESTS");
    } finally {
      ninja.admin.stopThrottleStorm(ninjaDemo.clientId);
    }
  });
});

test("the default budget is 10 requests a second per app: the 11th is a 429, and the window refills", async () => {
  const ninja = await startNinjaOneEmulator({ seed: "demo" });
  try {
    const { access_token } = (await (await token(ninja.url)).json()) as { access_token: string };
    const get = () =>
      fetch(`${ninja.url}/v2/organization/${acme.organizationId}`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await get()).status);
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(200));
    const throttled = await get();
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get("retry-after"), "1");
    ninja.admin.advanceClock(1000);
    assert.equal((await get()).status, 200);
    ninja.admin.configure({ retryAfterOnThrottle: false });
    ninja.admin.exhaustRateLimit(ninjaDemo.clientId);
    const bare = await get();
    assert.equal(bare.status, 429);
    assert.equal(bare.headers.get("retry-after"), null);
  } finally {
    await ninja.close();
  }
});

test("with a state file, what a client wrote survives a restart and the seed is not laid again", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ninja-state-"));
  const stateFile = join(dir, "ninjaone.json");
  try {
    const first = await startNinjaOneEmulator({ seed: "demo", stateFile });
    const { access_token } = (await (await token(first.url)).json()) as { access_token: string };
    const res = await fetch(`${first.url}/v2/device/${acme.devices.tomLaptop}/owner`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${access_token}` },
    });
    assert.equal(res.status, 204);
    await first.close();
    const second = await startNinjaOneEmulator({ seed: "demo", stateFile });
    try {
      assert.equal(second.restored, true);
      assert.equal(second.admin.device(acme.devices.tomLaptop).assignedOwnerUid, undefined);
      assert.equal(second.admin.endUsers(acme.organizationId).length, 1);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
