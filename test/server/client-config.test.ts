import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { keyring } from "../../src/credentials/keys.ts";
import { buildServer } from "../../src/server/app.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import {
  acme,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../../emulators/microsoft365/index.ts";
import { seedClient } from "../support/engine-helpers.ts";
import { staffToken } from "../support/signed-in.ts";
import { assertMatchesDocument, fieldsOf, json, type ErrorReply } from "./helpers.ts";

let store: Store;
let app: FastifyInstance;
let m365: Microsoft365Emulator;
let doc: Parameters<typeof assertMatchesDocument>[0];
const token: Record<string, string> = {};
const ring = keyring(randomBytes(32));

const as = (who: string, method: "GET" | "POST" | "PUT", url: string, payload?: unknown) =>
  app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token[who]}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
const config = async (id = "acme") =>
  json<Record<string, unknown>>(await as("admin", "GET", `/api/clients/${id}`));

before(async () => {
  store = await openStore({});
  await seedClient(store, "acme");
  await seedClient(store, "globex");
  m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
  app = await buildServer({ store, keys: () => ring });
  token.admin = await staffToken(store, { role: "admin", email: "admin@msp.test" });
  token.tech = await staffToken(store, { role: "technician", email: "tech@msp.test" });
  token.globexTech = await staffToken(store, {
    role: "technician",
    email: "g@msp.test",
    clients: ["globex"],
  });
  token.viewer = await staffToken(store, { role: "viewer", email: "viewer@msp.test" });
  token.acmeViewer = await staffToken(store, { role: "viewer", email: "av@msp.test", clients: ["acme"] });
  doc = json(await as("admin", "GET", "/api/openapi.json"));
});
after(async () => {
  await app.close();
  await m365.close();
  await store.close();
});

describe("PUT /api/clients/{id}", () => {
  test("saves the whole configuration, audited; the next dry run plans with it, no restart", async () => {
    const before = await config();
    const res = await as("tech", "PUT", "/api/clients/acme", {
      ...before,
      usernameFormat: { pattern: "{f}{last}", collision: "numeric-suffix" },
      impact: { minutesPerStep: 7, perAction: { "mail.convert-to-shared": 15 } },
    });
    assert.equal(res.statusCode, 200, res.body);
    assertMatchesDocument(doc, "PUT", "/api/clients/{id}", res);
    assert.deepEqual((await config()).impact, {
      minutesPerStep: 7,
      perAction: { "mail.convert-to-shared": 15 },
    });
    const dry = await as("tech", "POST", "/api/requests/onboard?dryRun=true", {
      client: "acme",
      firstName: "Jane",
      lastName: "Doe",
      start: "now",
      requester: "boss@acme.example.com",
    });
    assert.equal(dry.statusCode, 200, dry.body);
    assert.match(dry.body, /jdoe@acme\.example\.com/);
    const [audit] = await store.query<{ actor: string; detail: { changed: string[] } }>(
      "select actor, detail from audit_log where action = 'client.update' and subject = 'acme'",
    );
    assert.equal(audit?.actor, "tech@msp.test");
    assert.deepEqual(audit?.detail.changed, ["impact", "usernameFormat"]);
  });

  test("bad input is refused naming each field, and nothing changes", async () => {
    const before = await config();
    const cases: [Record<string, unknown>, string[]][] = [
      [{ timeZone: "Europe/Atlantis" }, ["timeZone"]],
      [
        { systems: { entra: { connector: "msgraph", tenantId: "not a tenant", credential: "acme/graph" } } },
        ["systems.entra.tenantId"],
      ],
      // A pasted secret is no credential reference: the secret belongs in the credential store.
      [
        {
          systems: {
            entra: { connector: "msgraph", tenantId: acme.tenantId, credential: "abc8Q~s3cr3t+value==" },
          },
        },
        ["systems.entra.credential"],
      ],
      [{ systems: { psa: { connector: "nosuch" } } }, ["systems.psa.connector"]],
      [{ id: "globex" }, ["id"]],
      [{ impact: { minutesPerStep: -1 } }, ["impact.minutesPerStep"]],
      [{ domains: [] }, ["domains"]],
    ];
    for (const [change, fields] of cases) {
      const res = await as("tech", "PUT", "/api/clients/acme", { ...before, ...change });
      assert.equal(res.statusCode, 400, `${JSON.stringify(change)}: ${res.body}`);
      assertMatchesDocument(doc, "PUT", "/api/clients/{id}", res);
      assert.deepEqual(fieldsOf(res), fields, JSON.stringify(change));
    }
    assert.deepEqual(await config(), before);
  });

  test("configure on the client is needed: another client's technician and a viewer are refused", async () => {
    const before = await config();
    assert.equal((await as("globexTech", "PUT", "/api/clients/acme", before)).statusCode, 403);
    assert.equal((await as("viewer", "PUT", "/api/clients/acme", before)).statusCode, 403);
    assert.equal(
      (await as("admin", "PUT", "/api/clients/nosuch", { ...before, id: "nosuch" })).statusCode,
      404,
    );
  });
});

describe("POST /api/username-preview", () => {
  test("gives the username and the rule the planner states", async () => {
    const res = await as("viewer", "POST", "/api/username-preview", {
      format: "{first}.{last}",
      firstName: "Zoë",
      lastName: "de la Cruz",
    });
    assert.equal(res.statusCode, 200, res.body);
    assertMatchesDocument(doc, "POST", "/api/username-preview", res);
    const body = json<{ username: string; upn: string | null; rule: string; rules: string[] }>(res);
    assert.equal(body.username, "zoe.delacruz");
    assert.equal(body.upn, null);
    assert.match(body.rule, /^\{first\}\.\{last\} from "Zoë de la Cruz": /);
    assert.match(body.rule, /de la/);
    assert.ok(body.rules.length > 3);
  });

  test("with a client: its format, transliteration and first domain", async () => {
    const res = await as("viewer", "POST", "/api/username-preview", {
      clientId: "globex",
      firstName: "Jürgen",
      middleName: "Paul",
      lastName: "Müller",
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(json<{ upn: string }>(res).upn, "juergen.mueller@globex.example.com");
    const mid = await as("viewer", "POST", "/api/username-preview", {
      clientId: "globex",
      format: { pattern: "{f}{m}{last}" },
      firstName: "Jürgen",
      middleName: "Paul",
      lastName: "Müller",
    });
    assert.equal(json<{ username: string }>(mid).username, "jpmueller");
  });

  test("a bad pattern, a name with no letters, and another client's id are refused", async () => {
    const bad = await as("viewer", "POST", "/api/username-preview", {
      format: "{first}{nope}",
      firstName: "A",
      lastName: "B",
    });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.deepEqual(fieldsOf(bad), ["format"]);
    const nested = await as("viewer", "POST", "/api/username-preview", {
      format: { pattern: "{first}{nope}" },
      firstName: "A",
      lastName: "B",
    });
    assert.deepEqual(fieldsOf(nested), ["format.pattern"]);
    const han = await as("viewer", "POST", "/api/username-preview", {
      format: "{first}.{last}",
      firstName: "伟",
      lastName: "王",
    });
    assert.equal(han.statusCode, 400);
    assert.deepEqual(fieldsOf(han), ["firstName"]);
    assert.deepEqual(
      fieldsOf(await as("viewer", "POST", "/api/username-preview", { firstName: "A", lastName: "B" })),
      ["format"],
    );
    const other = await as("acmeViewer", "POST", "/api/username-preview", {
      clientId: "globex",
      firstName: "A",
      lastName: "B",
    });
    assert.equal(other.statusCode, 403);
  });
});

describe("POST /api/clients/{id}/systems/{name}/test", () => {
  const put = async (systems: Record<string, unknown>) => {
    const res = await as("admin", "PUT", "/api/clients/globex", { ...(await config("globex")), systems });
    assert.equal(res.statusCode, 200, res.body);
  };
  const entra = { connector: "msgraph", tenantId: acme.tenantId, credential: "globex/graph" };

  before(async () => {
    const endpoints = { authority: m365.url, graph: m365.url };
    await put({ entra: { ...entra, endpoints } });
  });

  test("a credential not in the store: not ok, said so, nothing sent", async () => {
    const res = await as("tech", "POST", "/api/clients/globex/systems/entra/test");
    assert.equal(res.statusCode, 200, res.body);
    assertMatchesDocument(doc, "POST", "/api/clients/{id}/systems/{name}/test", res);
    const body = json<{ ok: boolean; error?: { code: string; message: string } }>(res);
    assert.equal(body.ok, false);
    assert.equal(body.error?.code, "NOT_CONFIGURED");
    assert.match(body.error?.message ?? "", /globex\/graph/);
  });

  test("with the right credential: ok and how long it took; with a wrong one the vendor's refusal, no secret", async () => {
    const setCredential = async (clientSecret: string) => {
      const res = await as("admin", "PUT", "/api/credentials/globex%2Fgraph", {
        kind: "microsoft-app",
        value: { clientId: acme.clientId, clientSecret },
      });
      assert.ok(res.statusCode < 300, res.body);
    };
    await setCredential(acme.clientSecret);
    const good = await as("tech", "POST", "/api/clients/globex/systems/entra/test");
    const ok = json<{ ok: boolean; latencyMs: number; error?: unknown }>(good);
    assert.equal(ok.ok, true, good.body);
    assert.ok(ok.latencyMs >= 0);
    assert.equal(ok.error, undefined);
    const wrong = "Wr0ng~secret-value-for-the-test";
    await setCredential(wrong);
    const bad = await as("tech", "POST", "/api/clients/globex/systems/entra/test");
    assert.equal(bad.statusCode, 200, bad.body);
    assertMatchesDocument(doc, "POST", "/api/clients/{id}/systems/{name}/test", bad);
    const refused = json<{ ok: boolean; error: { code: string; vendorCode: string | null } }>(bad);
    assert.equal(refused.ok, false);
    assert.equal(refused.error.code, "AUTH_FAILED");
    // The token endpoint's own code: what its documentation and support know it by.
    assert.equal(refused.error.vendorCode, "AADSTS7000215");
    for (const secret of [wrong, acme.clientSecret])
      assert.ok(!bad.body.includes(secret) && !good.body.includes(secret));
  });

  test("an unknown system is 404; another client's technician and a viewer are refused", async () => {
    assert.equal((await as("tech", "POST", "/api/clients/globex/systems/nosuch/test")).statusCode, 404);
    assert.equal((await as("viewer", "POST", "/api/clients/globex/systems/entra/test")).statusCode, 403);
    const scoped = await as("globexTech", "POST", "/api/clients/acme/systems/entra/test");
    assert.equal(scoped.statusCode, 403);
    assert.equal(json<ErrorReply>(scoped).error.code, "LC_ERR_FORBIDDEN");
  });
});
