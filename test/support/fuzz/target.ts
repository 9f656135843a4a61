import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { credentialKinds } from "../../../src/composition/credential-kinds.ts";
import { keyring, type KeySource } from "../../../src/credentials/keys.ts";
import { issueFormLink, revokeFormLink } from "../../../src/credentials/form-links.ts";
import { oneTimeLinks } from "../../../src/credentials/one-time-links.ts";
import { openFormLink, submitThroughLink } from "../../../src/composition/public-forms.ts";
import { liveStateOf } from "../../../src/composition/live-state.ts";
import { parseClient } from "../../../src/composition/index.ts";
import { parseClientConfig } from "../../../src/domain/client.ts";
import { buildServer } from "../../../src/server/app.ts";
import { staffToken } from "../signed-in.ts";
import { staffRoles } from "../../../src/domain/staff-roles.ts";
import { createAccount } from "../../../src/staff/index.ts";

const staffEmail = "fuzz.tech@msp.example";
const staffPassword = "correct horse battery staple";
import { upsertClient } from "../../../src/store/clients-repo.ts";
import { openStore } from "../../../src/store/open.ts";
import type { Store } from "../../../src/store/sql.ts";
import { testClientConfig } from "../engine-helpers.ts";
import { acmeCapabilities, demoAcme } from "../microsoft.ts";
import { startMicrosoft365Emulator } from "../../../emulators/microsoft365/index.ts";
import type { OpenApiDocument } from "./operations.ts";

/** The product's server on an embedded store, seeded so that valid-shaped input finds something. */
export interface FuzzTarget {
  app: FastifyInstance;
  store: Store;
  doc: OpenApiDocument;
  /** Sent with every request, the seeding's and the fuzzer's: the credentials /api asks for go here. */
  headers: Record<string, string>;
  pools: Map<string, unknown[]>;
  bodies: Map<string, unknown[]>;
  close(): Promise<void>;
}

const now = new Date("2025-03-03T08:00:00Z");
const manager = "mike.chen@acmecorp.com";
const leaver = "tom.williams@acmecorp.com";
const requester = "hr@acmecorp.com";

export async function fuzzTarget(): Promise<FuzzTarget> {
  const store = await openStore({});
  const ring = keyring(randomBytes(32));
  const keys: KeySource = () => ring;
  // Acme as the demo has it, its Microsoft 365 tenant emulated, so the pre-flight reads a live system;
  // both its forms need approval, so runs wait where approve and reject can reach them.
  const m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
  const demo = demoAcme();
  const acme = parseClient({ ...demo, approval: { ...demo.approval, onboarding: "manager" } });
  assert.ok(acme.ok, JSON.stringify(acme));
  await upsertClient(store, acme.value);
  // Globex has no systems: requests are planned from the form and its configuration alone.
  const globex = parseClientConfig(testClientConfig("globex"));
  assert.ok(globex.ok, JSON.stringify(globex));
  await upsertClient(store, globex.value);
  const links = oneTimeLinks({ sql: store, keys, publicUrl: () => "https://lifecycle.test" });
  const caps = acmeCapabilities(m365, links);
  const app = await buildServer({
    store,
    keys,
    now: () => now,
    live: async (client) => (client.id === "acme" ? liveStateOf(caps) : {}),
    // As `lifecycle start` builds it: without client systems the re-issue answers 503 to any valid input.
    ports: async (client) => (client?.id === "acme" ? caps : {}),
  });
  // Every request is an admin's: refusals are the routes', not the sign-in's (the authorisation matrix
  // covers those).
  const headers: Record<string, string> = { authorization: `Bearer ${await staffToken(store)}` };
  const made = await createAccount(
    store,
    { email: staffEmail, role: "technician", password: staffPassword },
    "fuzz",
  );
  assert.ok(made.ok, JSON.stringify(made));

  const inject = async (method: "POST" | "PUT", url: string, payload: unknown) => {
    const res = await app.inject({ method, url, headers, payload: payload as Record<string, unknown> });
    assert.ok(res.statusCode < 300, `${method} ${url}: ${res.body}`);
    return JSON.parse(res.body) as Record<string, unknown>;
  };

  const globexDomain = globex.value.domains[0] ?? "";
  const onboard = [
    { client: "acme", firstName: "Jane", lastName: "Doe", start: "now", requester, manager },
    {
      client: "acme",
      firstName: "Zoë",
      lastName: "Ødegård",
      department: "Marketing",
      role: "staff",
      start: "2025-03-10T09:00",
      requester,
      manager,
      extraGroups: ["All-Staff"],
    },
    {
      client: "globex",
      firstName: "Ann",
      lastName: "Lee",
      start: "2025-04-01T09:00",
      requester: `boss@${globexDomain}`,
      manager: `boss@${globexDomain}`,
    },
  ];
  const offboard = [
    { client: "acme", user: leaver, lastDay: "now", requester },
    {
      client: "acme",
      user: leaver,
      lastDay: "2025-03-20T17:00",
      requester,
      actions: { forwardTo: { address: manager, keepCopy: true }, convertToShared: true },
    },
  ];
  const runIds: string[] = [];
  const planHashes: string[] = [];
  for (const body of onboard) {
    const r = await inject("POST", "/api/requests/onboard", body);
    runIds.push(String(r.runId));
    planHashes.push(String(r.planHash));
  }
  const off = await inject("POST", "/api/requests/offboard", offboard[0]);
  runIds.push(String(off.runId));
  planHashes.push(String(off.planHash));

  // Bulk batches a technician uploaded: one left as uploaded, two submitted (their runs wait for approval).
  const techHeaders = {
    authorization: `Bearer ${await staffToken(store, { email: staffEmail, role: "technician" })}`,
  };
  const bulkCsv = {
    onboard: [
      `firstName,lastName,start,manager\nBulk,One,now,${manager}\nBulk,Two,2025-03-10T09:00,${manager}\n`,
      `First name,Last name,Start,Department,Role,Extra groups,requester,manager\nBulk,Three,now,Marketing,staff,All-Staff;Marketing,${requester},${manager}\n`,
    ],
    offboard: [
      `user,lastDay,actions.convertToShared,actions.forwardTo,actions.forwardTo.keepCopy\n${leaver},now,yes,${manager},no\n`,
      `User,Last day,Remove licenses,reason\n${leaver},2025-03-20T17:00,true,"moved on, amicably"\n`,
    ],
  };
  const batchIds: string[] = [];
  const batchHashes: string[] = [];
  const upload = async (kind: "onboard" | "offboard", csv: string, submit: boolean) => {
    const res = await app.inject({
      method: "POST",
      url: `/api/bulk/${kind}?client=acme`,
      headers: { ...techHeaders, "content-type": "text/csv" },
      payload: csv,
    });
    assert.equal(res.statusCode, 201, res.body);
    const batchId = String((JSON.parse(res.body) as { batchId: string }).batchId);
    batchIds.push(batchId);
    if (!submit) return;
    const sub = await app.inject({
      method: "POST",
      url: `/api/bulk/${batchId}/submit`,
      headers: techHeaders,
      payload: {},
    });
    assert.equal(sub.statusCode, 200, sub.body);
    batchHashes.push(String((JSON.parse(sub.body) as { planHash?: string }).planHash));
  };
  await upload("onboard", bulkCsv.onboard[0]!, false);
  await upload("onboard", bulkCsv.onboard[1]!, true);
  await upload("offboard", bulkCsv.offboard[0]!, true);

  const graphCredential = { clientId: randomUUID(), clientSecret: "fuzz-secret" };
  await inject("PUT", "/api/credentials/acme%2Fgraph", {
    kind: "microsoft-app",
    value: graphCredential,
  });

  const tokens: string[] = [];
  for (let i = 0; i < 20; i++) {
    const shared = await links.share({ runId: runIds[0]!, actionKey: `fuzz-${i}` }, `pass-${i}`, {
      label: `pass ${i}`,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    const address = await links.address(shared.linkId);
    assert.equal(address.kind, "ready", JSON.stringify(address));
    tokens.push(address.url.slice(address.url.lastIndexOf("/") + 1));
  }

  // Form links of both clients and kinds, one revoked, and a run submitted through one (its status token).
  const formLinks: { id: string; token: string }[] = [];
  for (const [clientId, kind] of [
    ["acme", "onboard"],
    ["acme", "offboard"],
    ["globex", "onboard"],
    ["acme", "onboard"],
  ] as const) {
    const made = await issueFormLink(
      store,
      { clientId, kind, expiresAt: new Date(now.getTime() + 30 * 86_400_000), createdBy: "fuzz" },
      now,
    );
    formLinks.push({ id: made.link.id, token: made.token });
  }
  await revokeFormLink(store, "acme", formLinks[3]!.id, "fuzz", now);
  const opened = await openFormLink(store, formLinks[0]!.token, now);
  assert.equal(opened.kind, "ready");
  const viaLink = { firstName: "Lena", lastName: "Park", start: "2025-03-10T09:00", requester, manager };
  const throughLink = await submitThroughLink(store, opened.link, viaLink, {
    now,
    keys,
    live: async () => liveStateOf(caps),
    dryRun: false,
    idempotencyKey: "fuzz-form-link",
  });
  assert.ok(throughLink.ok && !throughLink.value.dryRun, JSON.stringify(throughLink));
  const statusToken = throughLink.value.statusToken;
  const formTokens = formLinks.map((l) => l.token);
  const linkBodies = [
    ...onboard.map(({ client: _c, ...body }) => body),
    ...onboard.slice(0, 1),
    ...offboard.map(({ client: _c, ...body }) => body),
  ];

  const overlays = (kind: "onboard" | "offboard") => [
    { extends: `builtin:${kind}@1`, kind },
    { extends: `builtin:${kind}@1`, kind, remove: [], patch: {}, add: [] },
  ];

  const doc = (await app
    .inject({ method: "GET", url: "/api/openapi.json", headers })
    .then((r) => JSON.parse(r.body))) as OpenApiDocument;

  const clientIds = ["acme", "globex"];
  const byOperation = (pathPrefix: string, name: string, values: unknown[]) =>
    Object.entries(doc.paths)
      .filter(([path]) => path.startsWith(pathPrefix))
      .flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => [`${m.toUpperCase()} ${path} ${name}`, values] as const),
      );
  const pools = new Map<string, unknown[]>([
    ...byOperation("/api/clients/{id}", "id", clientIds),
    ...byOperation("/api/runs/{id}", "id", runIds),
    ["client", clientIds],
    ["id", [...clientIds, ...runIds]],
    ["batchId", batchIds],
    ["ref", ["acme/graph", "globex/graph"]],
    // A staff member who can sign in, and addresses free for a new account.
    ["email", [staffEmail, "new.tech@msp.example", "new.viewer@msp.example"]],
    ["password", [staffPassword]],
    ["role", [...staffRoles]],
    // Each link is limited to 10 answers in 15 minutes, so the page's inputs would use up every link's
    // budget before the reveal's first: each route gets links of its own.
    ["GET /credentials/{token} token", tokens.slice(0, 10)],
    ["POST /credentials/{token}/reveal token", tokens.slice(10)],
    ...byOperation("/forms/{token}", "token", formTokens),
    ...byOperation("/api/public/forms/{token}", "token", formTokens),
    ["GET /api/public/status/{statusToken} statusToken", [statusToken]],
    ["linkId", formLinks.map((l) => l.id)],
    ["q", ["mi", "Tom", "to"]],
    ["label", ["HR, Jane Roe"]],
    ["days", [1, 30, 365]],
    ["kind", [...credentialKinds.keys(), "onboard", "offboard"]],
    ["value", [graphCredential]],
    ["requester", [requester]],
    ["manager", [manager]],
    ["user", [leaver]],
    ["planHash", planHashes],
    ["start", ["now", "2025-03-10T09:00"]],
    ["lastDay", ["now", "2025-03-20T17:00"]],
    ["firstName", ["Jane", "Zoë"]],
    ["lastName", ["Doe", "Ødegård"]],
    ["domain", ["acmecorp.com", globexDomain]],
    ["version", [1, 2]],
    ["dryRun", ["true", "false", "1", "0"]],
    ["after", [0, 1, 5]],
    ["extends", ["builtin:onboard@1", "builtin:offboard@1"]],
    ["month", ["2025-03", "2025-02"]],
    ["name", ["entra", "exchange"]],
    ["clientId", clientIds],
  ]);
  const bodies = new Map<string, unknown[]>([
    ["POST /api/requests/onboard", onboard],
    ["POST /api/requests/offboard", offboard],
    ["PUT /api/clients/{id}/workflows/{kind}/overlay", [...overlays("onboard"), ...overlays("offboard")]],
    ["POST /api/clients/{id}/workflows/{kind}/validate", [...overlays("onboard"), ...overlays("offboard")]],
    ["PUT /api/credentials/{ref}", [{ kind: "microsoft-app", value: graphCredential }]],
    ["POST /api/runs/{id}/approve", planHashes.map((planHash) => ({ planHash }))],
    ["POST /api/runs/{id}/reject", [{ note: "no" }]],
    ["POST /api/bulk/onboard", bulkCsv.onboard],
    ["POST /api/bulk/offboard", bulkCsv.offboard],
    ["POST /api/bulk/{batchId}/submit", [{}, { exclude: [2] }, { exclude: [3] }]],
    ["POST /api/bulk/{batchId}/approve", batchHashes.map((planHash) => ({ planHash }))],
    ["POST /api/runs/{id}/cancel", [{ reason: "fuzz" }]],
    ["POST /api/runs/{id}/retry", [{}]],
    ["POST /api/clients/{id}/form-links", [{ kind: "onboard" }, { kind: "offboard", label: "HR", days: 7 }]],
    ["POST /api/public/forms/{token}/preview", linkBodies],
    ["POST /api/public/forms/{token}/submit", linkBodies],
    [
      "POST /api/runs/{id}/reschedule",
      [{ startAt: { local: "2025-03-12T09:00" } }, { startAt: "2025-03-12T09:00:00+01:00" }],
    ],
    // Globex's own configuration: saving it again changes nothing the other operations rely on.
    ["PUT /api/clients/{id}", [globex.value]],
    ["POST /api/clients", [globex.value]],
    [
      "POST /api/username-preview",
      [
        { format: "{first}.{last}", firstName: "Jane", lastName: "Doe" },
        { clientId: "acme", firstName: "Zoë", lastName: "Ødegård" },
      ],
    ],
  ]);

  return {
    app,
    store,
    doc,
    headers,
    pools,
    bodies,
    async close() {
      await app.close();
      await m365.close();
      await store.close();
    },
  };
}
