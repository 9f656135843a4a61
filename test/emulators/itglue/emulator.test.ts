import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { itglueDemo, startItglueEmulator, type ItglueEmulator } from "../../../emulators/itglue/index.ts";

const jsonApi = "application/vnd.api+json";

describe("IT Glue emulator", () => {
  let emu: ItglueEmulator;
  const api = (path: string, init: RequestInit = {}, key: string = itglueDemo.apiKey) =>
    fetch(`${emu.url}${path}`, { ...init, headers: { "x-api-key": key, ...(init.headers ?? {}) } });
  const write = (method: string, path: string, body: unknown, contentType = jsonApi) =>
    api(path, { method, headers: { "content-type": contentType }, body: JSON.stringify(body) });

  before(async () => {
    emu = await startItglueEmulator({ seed: "demo" });
  });
  after(() => emu.close());

  test("a missing or unknown x-api-key is a JSON:API 401 with a request id", async () => {
    for (const res of [await fetch(`${emu.url}/contacts`), await api("/contacts", {}, "ITG.nope")]) {
      assert.equal(res.status, 401);
      assert.match(res.headers.get("content-type") ?? "", /^application\/vnd\.api\+json/);
      assert.ok(res.headers.get("x-request-id"));
      const body = (await res.json()) as { errors: { status: string; title: string; detail: string }[] };
      assert.equal(body.errors[0]?.status, "401");
      assert.equal(body.errors[0]?.title, "Unauthorized");
    }
  });

  test("indexes page with page[number] and page[size] (at most 1,000), with meta and links", async () => {
    for (let i = 0; i < 5; i++)
      emu.admin.createContact({ organizationId: itglueDemo.globex.organizationId, firstName: `P${i}` });
    const res = await api("/contacts?filter[organization_id]=2402&page[size]=2&page[number]=2");
    const body = (await res.json()) as {
      data: { id: string; type: string }[];
      meta: Record<string, unknown>;
      links: Record<string, string>;
    };
    assert.equal(body.data.length, 2);
    assert.ok(body.data.every((d) => d.type === "contacts" && typeof d.id === "string"));
    assert.deepEqual(
      { ...body.meta, filters: undefined },
      {
        "current-page": 2,
        "next-page": 3,
        "prev-page": 1,
        "total-pages": 3,
        "total-count": 6,
        filters: undefined,
      },
    );
    assert.match(body.links.next ?? "", /page%5Bnumber%5D=3/);
    assert.ok(body.links.prev && body.links.first && body.links.last);
    const last = (await (
      await api("/contacts?filter[organization_id]=2402&page[size]=2&page[number]=3")
    ).json()) as {
      meta: Record<string, unknown>;
      links: Record<string, string>;
    };
    assert.equal(last.meta["next-page"], null);
    assert.equal(last.links.next, undefined);
    const big = (await (await api("/contacts?page[size]=5000")).json()) as { meta: Record<string, number> };
    assert.equal(big.meta["total-pages"], 1);
    const defaults = (await (await api("/contacts")).json()) as { data: unknown[] };
    assert.ok(defaults.data.length <= 50);
  });

  test("writes need application/vnd.api+json and a {data} body of the right type", async () => {
    const body = { data: { type: "contacts", attributes: { "first-name": "Ann" } } };
    assert.equal(
      (await write("POST", "/organizations/2401/relationships/contacts", body, "application/json")).status,
      415,
    );
    const noData = await write("POST", "/organizations/2401/relationships/contacts", { "first-name": "Ann" });
    assert.equal(noData.status, 400);
    const wrongType = await write("POST", "/organizations/2401/relationships/contacts", {
      data: { type: "passwords", attributes: {} },
    });
    assert.equal(wrongType.status, 409);
    const blank = await write("POST", "/organizations/2401/relationships/contacts", {
      data: { type: "contacts", attributes: { "first-name": " " } },
    });
    assert.equal(blank.status, 422);
    assert.deepEqual(await blank.json(), {
      errors: [
        {
          status: "422",
          title: "Unprocessable Entity",
          detail: "First name can't be blank",
          source: { pointer: "/data/attributes/first-name" },
        },
      ],
    });
    const created = await write("POST", "/organizations/2401/relationships/contacts", body);
    assert.equal(created.status, 201);
    const unknownOrg = await write("POST", "/organizations/9/relationships/contacts", body);
    assert.equal(unknownOrg.status, 404);
  });

  test("a PSA-synced contact refuses PATCH with 422; others take it", async () => {
    const patch = (id: number) =>
      write("PATCH", `/contacts/${id}`, { data: { type: "contacts", attributes: { title: "Changed" } } });
    const synced = await patch(itglueDemo.acme.contacts.mike);
    assert.equal(synced.status, 422);
    const body = (await synced.json()) as { errors: { detail: string }[] };
    assert.match(body.errors[0]?.detail ?? "", /synced with a PSA/);
    emu.admin.configure({ psaSyncedReadOnly: false });
    try {
      assert.equal((await patch(itglueDemo.acme.contacts.mike)).status, 200);
    } finally {
      emu.admin.configure({ psaSyncedReadOnly: true });
    }
  });

  test("no answer carries a password's value unless show passwords is on; a key without password access gets 403", async () => {
    const id = itglueDemo.acme.passwords.tom;
    const shown = async (query = "") =>
      (
        (await (await api(`/passwords/${id}${query}`)).json()) as {
          data: { attributes: Record<string, unknown> };
        }
      ).data.attributes;
    assert.ok(!("password" in (await shown())));
    const index = await (await api("/passwords?filter[organization_id]=2401")).text();
    assert.ok(!index.includes(emu.admin.secretOf(id)));
    emu.admin.configure({ showPasswords: true });
    try {
      assert.equal((await shown()).password, emu.admin.secretOf(id));
      assert.ok(!("password" in (await shown("?show_password=false"))));
    } finally {
      emu.admin.configure({ showPasswords: false });
    }
    assert.ok(
      !JSON.stringify(emu.admin.calls()).includes(emu.admin.secretOf(id)),
      "the call log holds the value",
    );
    emu.admin.addApiKey({ key: "ITG.limited", name: "Limited", passwordAccess: false });
    assert.equal((await api(`/passwords/${id}`, {}, "ITG.limited")).status, 403);
    assert.equal((await api(`/contacts/${itglueDemo.acme.contacts.tom}`, {}, "ITG.limited")).status, 200);
  });

  test("a posted password is stored, but the log and the answer keep no value", async () => {
    const value = "posted-Secret-123!";
    const res = await write("POST", "/organizations/2401/relationships/passwords", {
      data: {
        type: "passwords",
        attributes: {
          name: "Posted",
          password: value,
          "resource-id": itglueDemo.acme.contacts.tom,
          "resource-type": "Contact",
        },
      },
    });
    assert.equal(res.status, 201);
    const text = await res.text();
    assert.ok(!text.includes(value));
    const id = Number((JSON.parse(text) as { data: { id: string } }).data.id);
    assert.equal(emu.admin.secretOf(id), value);
    const logged = emu.admin.calls().at(-1);
    assert.equal(
      (logged?.requestBody as { data: { attributes: { password: string } } }).data.attributes.password,
      "[redacted]",
    );
  });

  test("the budget is 3,000 per 5 minutes per key, then 429 with Retry-After until the window refills", async () => {
    assert.deepEqual(emu.admin.settings().rateLimit, { requests: 3000, windowMs: 300_000 });
    emu.admin.exhaustRateLimit(itglueDemo.keyName);
    const refused = await api("/organizations/2401");
    assert.equal(refused.status, 429);
    // One token refills in 100 ms of a 5-minute window of 3,000: IT Glue's whole seconds round it up.
    assert.equal(refused.headers.get("retry-after"), "1");
    const body = (await refused.json()) as { errors: { status: string; title: string }[] };
    assert.deepEqual(
      body.errors.map((e) => [e.status, e.title]),
      [["429", "Too Many Requests"]],
    );
    emu.admin.configure({ retryAfterOn429: false });
    assert.equal((await api("/organizations/2401")).headers.get("retry-after"), null);
    emu.admin.configure({ retryAfterOn429: true });
    emu.admin.advanceClock(1_000);
    assert.equal((await api("/organizations/2401")).status, 200);
    emu.admin.startThrottleStorm(itglueDemo.keyName, { durationMs: 60_000, retryAfterSeconds: 30 });
    const storm = await api("/organizations/2401");
    assert.equal(storm.status, 429);
    assert.equal(storm.headers.get("retry-after"), "30");
    emu.admin.stopThrottleStorm(itglueDemo.keyName);
    assert.equal((await api("/organizations/2401")).status, 200);
  });

  test("an unknown path is a JSON:API 404, a known path with another method a 405", async () => {
    assert.equal((await api("/nothing-here")).status, 404);
    const res = await api("/contacts/1", { method: "DELETE" });
    assert.equal(res.status, 405);
    assert.equal(((await res.json()) as { errors: { status: string }[] }).errors[0]?.status, "405");
  });
});

test("a state file keeps the account across a restart", async () => {
  const dir = mkdtempSync(join(tmpdir(), "itglue-emu-"));
  const stateFile = join(dir, "itglue.json");
  try {
    const first = await startItglueEmulator({ seed: "demo", stateFile });
    const res = await fetch(`${first.url}/organizations/2401/relationships/contacts`, {
      method: "POST",
      headers: { "x-api-key": itglueDemo.apiKey, "content-type": jsonApi },
      body: JSON.stringify({ data: { type: "contacts", attributes: { "first-name": "Kept" } } }),
    });
    assert.equal(res.status, 201);
    await first.close();
    const second = await startItglueEmulator({ seed: "demo", stateFile });
    try {
      assert.equal(second.restored, true);
      assert.ok(
        second.admin
          .contacts(itglueDemo.acme.organizationId)
          .some((c) => c.attributes["first-name"] === "Kept"),
      );
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
