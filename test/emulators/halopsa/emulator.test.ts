import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { haloDemo, startHaloPsaEmulator, type HaloPsaEmulator } from "../../../emulators/halopsa/index.ts";

async function token(url: string, secret: string = haloDemo.clientSecret, query = ""): Promise<Response> {
  return fetch(`${url}/auth/token${query}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: haloDemo.clientId,
      client_secret: secret,
      scope: "all",
    }).toString(),
  });
}

describe("HaloPSA emulator", () => {
  let halo: HaloPsaEmulator;
  let bearer: Record<string, string>;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${halo.url}/api${path}`, { ...init, headers: { ...bearer, ...(init.headers ?? {}) } });
  const post = (path: string, body: unknown) =>
    api(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  before(async () => {
    halo = await startHaloPsaEmulator({ seed: "demo" });
    const res = await token(halo.url);
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    assert.equal(body.token_type, "Bearer");
    bearer = { authorization: `Bearer ${body.access_token}` };
  });
  after(() => halo.close());

  test("a wrong secret is invalid_client with the configured status; a missing token is an empty 401", async () => {
    const refused = await token(halo.url, "nope");
    assert.equal(refused.status, 400);
    assert.deepEqual(await refused.json(), { error: "invalid_client" });
    halo.admin.configure({ tokenErrorStatus: 401 });
    assert.equal((await token(halo.url, "nope")).status, 401);
    halo.admin.configure({ tokenErrorStatus: 400 });
    const anonymous = await fetch(`${halo.url}/api/Tickets/48291`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get("www-authenticate") ?? "", /^Bearer/);
    assert.equal(await anonymous.text(), "");
  });

  test("a Halo-hosted instance refuses a token request without its tenant", async () => {
    halo.admin.configure({ tenant: haloDemo.tenant });
    try {
      assert.equal((await token(halo.url)).status, 400);
      assert.equal((await token(halo.url, undefined, `?tenant=${haloDemo.tenant}`)).status, 200);
    } finally {
      halo.admin.configure({ tenant: null });
    }
  });

  test("routes match without regard to case; lists page with pageinate, capped at 100 a page", async () => {
    const res = await api("/users?client_id=12&pageinate=true&page_size=1&page_no=2");
    const body = (await res.json()) as { record_count: number; users: { emailaddress: string }[] };
    assert.equal(body.record_count, 2);
    assert.deepEqual(
      body.users.map((u) => u.emailaddress),
      ["mike.chen@acmecorp.com"],
    );
    for (let i = 0; i < 120; i++)
      halo.admin.createContact({
        site: haloDemo.globex.siteId,
        firstname: "P",
        surname: `${i}`,
        emailaddress: `p${i}@globex.de`,
      });
    const big = (await (await api("/Users?client_id=14&pageinate=true&page_size=500")).json()) as {
      users: unknown[];
    };
    assert.equal(big.users.length, 100);
  });

  test("inactive contacts are left out unless includeinactive=true", async () => {
    const [created] = [
      (await (
        await post("/Users", [
          { firstname: "Ina", surname: "Ctive", emailaddress: "ina@acmecorp.com", site_id: 31 },
        ])
      ).json()) as { id: number },
    ];
    await post("/Users", [{ id: created!.id, inactive: true }]);
    const plain = (await (await api("/Users?client_id=12&search=ina@")).json()) as { users: unknown[] };
    const all = (await (await api("/Users?client_id=12&search=ina@&includeinactive=true")).json()) as {
      users: unknown[];
    };
    assert.deepEqual([plain.users.length, all.users.length], [0, 1]);
  });

  test("writes take a JSON array; an action without an outcome is refused in Halo's words, in every style", async () => {
    const notArray = await post("/Tickets", { summary: "x", client_id: 12 });
    assert.equal(notArray.status, 400);
    for (const [style, expect] of [
      ["text", "An Outcome must be entered for this Action"],
      ["classname", { ClassName: "System.Exception", Message: "An Outcome must be entered for this Action" }],
      ["resultcode", { resultCode: 1, errorMessage: "An Outcome must be entered for this Action" }],
      ["error", { error: "An Outcome must be entered for this Action" }],
    ] as const) {
      halo.admin.configure({ errorStyle: style });
      const res = await post("/Actions", [{ ticket_id: 48291, note: "x" }]);
      assert.equal(res.status, 400);
      const text = await res.text();
      assert.deepEqual(typeof expect === "string" ? text : JSON.parse(text), expect, style);
    }
    halo.admin.configure({ errorStyle: "text" });
  });

  test("an internal note lands on the ticket; a closing status sets hasbeenclosed", async () => {
    const note = (await (
      await post("/Actions", [
        { ticket_id: 48291, outcome_id: 7, hiddenfromuser: true, note_html: "<p>a &amp; b</p>" },
      ])
    ).json()) as { id: number; note: string };
    assert.equal(note.note, "a & b");
    const admin = (await (await fetch(`${halo.url}/_admin/tickets/48291/notes`)).json()) as { id: number }[];
    assert.ok(admin.some((a) => a.id === note.id));
    await post("/Tickets", [{ id: 48291, status_id: 9 }]);
    assert.equal(halo.admin.ticket(48291).hasbeenclosed, true);
    await post("/Tickets", [{ id: 48291, status_id: 1 }]);
  });

  test("the ticket list's open_only and closed_only filter; without either, the setting says whether closed ones show", async () => {
    const closed = (await (
      await post("/Tickets", [{ summary: "Done already", client_id: haloDemo.acme.clientId, status_id: 9 }])
    ).json()) as { id: number };
    const ids = async (query: string) =>
      (
        (await (await api(`/Tickets?client_id=${haloDemo.acme.clientId}${query}`)).json()) as {
          tickets: { id: number; hasbeenclosed: boolean }[];
        }
      ).tickets.map((t) => t.id);
    try {
      assert.ok(!(await ids("")).includes(closed.id), "hidden by default");
      assert.ok((await ids("")).includes(48291));
      assert.deepEqual(await ids("&closed_only=true"), [closed.id]);
      assert.ok(!(await ids("&open_only=true")).includes(closed.id));
      halo.admin.configure({ ticketListIncludesClosed: true });
      assert.ok((await ids("")).includes(closed.id), "listed when the setting says so");
      assert.ok(!(await ids("&open_only=true")).includes(closed.id), "open_only still filters");
    } finally {
      halo.admin.configure({ ticketListIncludesClosed: false });
    }
  });

  test("a storm answers 429 with Retry-After in whole seconds and no body", async () => {
    halo.admin.startThrottleStorm(haloDemo.clientId, { durationMs: 60_000, retryAfterSeconds: 7 });
    try {
      const res = await api("/Tickets/48291");
      assert.equal(res.status, 429);
      assert.equal(res.headers.get("retry-after"), "7");
      assert.equal(await res.text(), "");
    } finally {
      halo.admin.stopThrottleStorm(haloDemo.clientId);
    }
  });
});

test("with a state file, what a client wrote survives a restart and the seed is not laid again", async () => {
  const dir = mkdtempSync(join(tmpdir(), "halo-state-"));
  const stateFile = join(dir, "halopsa.json");
  try {
    const first = await startHaloPsaEmulator({ seed: "demo", stateFile });
    const { access_token } = (await (await token(first.url)).json()) as { access_token: string };
    const res = await fetch(`${first.url}/api/Users`, {
      method: "POST",
      headers: { authorization: `Bearer ${access_token}`, "content-type": "application/json" },
      body: JSON.stringify([
        { firstname: "Kept", surname: "Here", emailaddress: "kept@acmecorp.com", site_id: 31 },
      ]),
    });
    assert.equal(res.status, 200);
    await first.close();
    const second = await startHaloPsaEmulator({ seed: "demo", stateFile });
    try {
      assert.equal(second.restored, true);
      const emails = second.admin.contacts(haloDemo.acme.clientId).map((c) => c.emailaddress);
      assert.deepEqual(emails.sort(), [
        "kept@acmecorp.com",
        "mike.chen@acmecorp.com",
        "tom.williams@acmecorp.com",
      ]);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
