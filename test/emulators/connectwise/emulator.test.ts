import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, test } from "node:test";
import { connectwiseConfig } from "../../../src/connectors/connectwise/config.ts";
import {
  globex,
  startConnectWiseEmulator,
  type ConnectWiseEmulator,
} from "../../../emulators/connectwise/index.ts";

let cw: ConnectWiseEmulator;
before(async () => {
  cw = await startConnectWiseEmulator({ profile: "fast", seed: "globex" });
});
after(() => cw.close());
afterEach(() => cw.admin.configure({ unknownPatchPath: "ignore", badAuthStatus: 401 }));

const basic = (priv: string = globex.privateKey) =>
  `Basic ${Buffer.from(`${globex.loginCompany}+${globex.publicKey}:${priv}`).toString("base64")}`;

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(`${cw.url}/${globex.codebase}apis/3.0${path}`, {
    method,
    headers: {
      authorization: basic(),
      clientid: globex.clientId,
      accept: "application/vnd.connectwise.com+json; version=2025.1",
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const q = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join("&");

test("companyinfo answers the codebase unauthenticated, as the vendor's discovery does", async () => {
  const res = await fetch(`${cw.url}/login/companyinfo/${globex.loginCompany}`);
  assert.equal(res.status, 200);
  const info = (await res.json()) as Record<string, unknown>;
  assert.equal(info.Codebase, "v2025_1/");
  assert.equal(info.CompanyID, globex.loginCompany);
  assert.equal(info.IsCloud, "True");
});

test("conditions it does not support are a 400 in the vendor's envelope, never ignored", async () => {
  for (const conditions of [
    "company/id=250 or inactiveFlag=false",
    'nickName="x"',
    "company/id>250",
    "(company/id=250)",
  ]) {
    const res = await call("GET", `/company/contacts?${q({ conditions })}`);
    assert.equal(res.status, 400, conditions);
    const body = res.body as { code: string; errors: { field: string }[] };
    assert.equal(body.code, "InvalidObject");
    assert.equal(body.errors[0]?.field, "conditions");
  }
  const orderBy = await call("GET", `/company/contacts?orderBy=id`);
  assert.equal(orderBy.status, 400);
  const ok = await call(
    "GET",
    `/company/contacts?${q({ conditions: "company/id=250 and inactiveFlag=False" })}`,
  );
  assert.equal(ok.status, 200);
  assert.equal((ok.body as unknown[]).length, 2);
});

test("pageSize is capped at 1,000 and the Link header has first and last, next and prev only away from the ends", async () => {
  const res = await call("GET", "/company/contacts?pageSize=5000");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("link") ?? "", /pageSize=1000/);
  assert.doesNotMatch(res.headers.get("link") ?? "", /rel="(next|prev)"/);
  const page1 = await call("GET", "/company/contacts?pageSize=1&page=1");
  assert.match(page1.headers.get("link") ?? "", /rel="next"/);
  assert.doesNotMatch(page1.headers.get("link") ?? "", /rel="prev"/);
  const page2 = await call("GET", "/company/contacts?pageSize=1&page=2");
  assert.match(page2.headers.get("link") ?? "", /rel="prev"/);
  assert.doesNotMatch(page2.headers.get("link") ?? "", /rel="next"/);
  assert.equal(page2.headers.get("api-current-version"), "2025.1");
});

test("a JSON-Patch path the record does not have: the vendor's false 200 by default, a 400 when set", async () => {
  const contact = cw.admin.contacts(globex.loginCompany)[0]!;
  const falseOk = await call("PATCH", `/company/contacts/${contact.id}`, [
    { op: "replace", path: "inactive", value: true },
  ]);
  assert.equal(falseOk.status, 200);
  assert.equal((falseOk.body as { inactiveFlag: boolean }).inactiveFlag, false, "nothing changed");
  cw.admin.configure({ unknownPatchPath: "reject" });
  const refused = await call("PATCH", `/company/contacts/${contact.id}`, [
    { op: "replace", path: "inactive", value: true },
  ]);
  assert.equal(refused.status, 400);
  const notArray = await call("PATCH", `/company/contacts/${contact.id}`, { inactiveFlag: true });
  assert.equal(notArray.status, 400);
});

test("a summary over 100 characters is InvalidObject with MaxLengthField on the summary", async () => {
  const res = await call("POST", "/service/tickets", {
    summary: "x".repeat(101),
    company: { id: globex.company.id },
    board: { id: globex.board.id },
  });
  assert.equal(res.status, 400);
  assert.deepEqual(res.body, {
    code: "InvalidObject",
    message: "ticket object is invalid",
    errors: [
      {
        code: "MaxLengthField",
        message: "summary has a max length of 100",
        resource: "ticket",
        field: "summary",
      },
    ],
  });
});

test("credentials are checked as the vendor does: keys, clientId, and the 404 some clouds answer as a setting", async () => {
  const wrong = await call("GET", "/service/tickets/48291", undefined, { authorization: basic("nope") });
  assert.equal(wrong.status, 401);
  assert.deepEqual(wrong.body, { code: "ConnectWiseApi", message: "UserNotAuthenticated", errors: null });
  const noClient = await fetch(`${cw.url}/${globex.codebase}apis/3.0/service/tickets/48291`, {
    headers: { authorization: basic() },
  });
  assert.equal(noClient.status, 401);
  cw.admin.configure({ badAuthStatus: 404 });
  assert.equal(
    (await call("GET", "/service/tickets/48291", undefined, { authorization: basic("nope") })).status,
    404,
  );
  const otherCodebase = await fetch(`${cw.url}/v4_6_release/apis/3.0/service/tickets/48291`, {
    headers: { authorization: basic(), clientid: globex.clientId },
  });
  assert.equal(otherCodebase.status, 404);
});

test("communicationTypes lists the site's types by their description, with the flag of their kind", async () => {
  const res = await call("GET", "/company/communicationTypes");
  assert.equal(res.status, 200);
  assert.deepEqual(
    (res.body as { id: number; description: string; phoneFlag: boolean; emailFlag: boolean }[]).map((t) => [
      t.id,
      t.description,
      t.phoneFlag,
      t.emailFlag,
    ]),
    [
      [1, "Email", false, true],
      [2, "Direct", true, false],
      [4, "Cell", true, false],
    ],
  );
  const phones = await call("GET", `/company/communicationTypes?${q({ conditions: "phoneFlag=True" })}`);
  assert.deepEqual(
    (phones.body as { id: number }[]).map((t) => t.id),
    [2, 4],
  );
});

test("a ticket's ConnectWise.aspx link opens that ticket; a link to anything else is not found", async () => {
  const link = (recid: string, company: string = globex.loginCompany, codebase: string = globex.codebase) =>
    fetch(
      `${cw.url}/${codebase}ConnectWise.aspx?${q({ locale: "en_US", routeTo: "ServiceFV", recid, companyName: company })}`,
    );
  const page = await link(String(globex.openTicket));
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type") ?? "", /text\/html/);
  const html = await page.text();
  assert.match(html, /Service Ticket #48291 - New starter: laptop and accounts for the Munich office/);
  assert.match(html, /Globex GmbH · Service Board · New/);
  assert.equal((await link("999999")).status, 404);
  assert.equal((await link(String(globex.openTicket), "someoneelse")).status, 404);
  assert.equal((await link(String(globex.openTicket), globex.loginCompany, "v2019_1/")).status, 404);
});

test("the sites survive a restart from the state file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cw-emu-"));
  try {
    const file = join(dir, "connectwise.json");
    const first = await startConnectWiseEmulator({ seed: "globex", stateFile: file });
    // Over HTTP, as the demo's console would: a change there schedules the snapshot.
    const added = await fetch(`${first.url}/_admin/connectwise/sites/${globex.loginCompany}/contacts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ companyId: globex.company.id, firstName: "Kept", email: "kept@globex.de" }),
    });
    assert.equal(added.status, 201);
    await first.close();
    const second = await startConnectWiseEmulator({ seed: "globex", stateFile: file });
    try {
      assert.equal(second.restored, true);
      assert.ok(second.admin.contacts(globex.loginCompany).some((c) => c.firstName === "Kept"));
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the connector's config takes https, plain http only on loopback, and only a cloud's api- host", () => {
  const base = { companyId: 250, boardId: 1 };
  assert.equal(
    connectwiseConfig.safeParse({ ...base, site: "https://api-eu.myconnectwise.net" }).success,
    true,
  );
  assert.equal(connectwiseConfig.safeParse({ ...base, site: "http://127.0.0.1:4367" }).success, true);
  assert.equal(connectwiseConfig.safeParse({ ...base, site: "http://psa.example.com" }).success, false);
  assert.equal(connectwiseConfig.safeParse({ ...base, site: "https://eu.myconnectwise.net" }).success, false);
  assert.equal(
    connectwiseConfig.safeParse({ ...base, site: "https://psa.example.com", codebase: "v2025_1" }).success,
    false,
  );
});
