import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { credentialKinds } from "../../../src/composition/credential-kinds.ts";
import { keyring, type KeySource } from "../../../src/credentials/keys.ts";
import { oneTimeLinks } from "../../../src/credentials/one-time-links.ts";
import { parseClientConfig } from "../../../src/domain/client.ts";
import { buildServer } from "../../../src/server/app.ts";
import { upsertClient } from "../../../src/store/clients-repo.ts";
import { openStore } from "../../../src/store/open.ts";
import type { Store } from "../../../src/store/sql.ts";
import { testClientConfig } from "../engine-helpers.ts";
import { manager, onboardingBody, seedApprovingClient } from "../../server/helpers.ts";
import type { OpenApiDocument } from "./operations.ts";

/** The product's server on an embedded store, seeded so that valid-shaped input finds something. */
export interface FuzzTarget {
  app: FastifyInstance;
  store: Store;
  doc: OpenApiDocument;
  pools: Map<string, unknown[]>;
  bodies: Map<string, unknown[]>;
  close(): Promise<void>;
}

const now = new Date("2025-03-03T08:00:00Z");
const leaver = "max.muster@acme.example.com";

export async function fuzzTarget(): Promise<FuzzTarget> {
  const store = await openStore({});
  const ring = keyring(randomBytes(32));
  const keys: KeySource = () => ring;
  await seedApprovingClient(store, "acme");
  const plain = parseClientConfig(testClientConfig("globex"));
  assert.ok(plain.ok, JSON.stringify(plain));
  await upsertClient(store, plain.value);
  const app = await buildServer({ store, keys, now: () => now });

  const inject = async (method: "POST" | "PUT", url: string, payload: unknown) => {
    const res = await app.inject({ method, url, payload: payload as Record<string, unknown> });
    assert.ok(res.statusCode < 300, `${method} ${url}: ${res.body}`);
    return JSON.parse(res.body) as Record<string, unknown>;
  };

  const onboard = [
    onboardingBody(),
    onboardingBody({ firstName: "Zoë", lastName: "Ødegård", department: "Marketing", role: "staff" }),
    onboardingBody({ client: "globex", manager: undefined, start: "2025-04-01T09:00" }),
  ];
  const offboard = [
    { client: "acme", user: leaver, lastDay: "now", requester: "boss@acme.example.com" },
    {
      client: "acme",
      user: leaver,
      lastDay: "2025-03-20T17:00",
      requester: "boss@acme.example.com",
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

  const graphCredential = { clientId: randomUUID(), clientSecret: "fuzz-secret" };
  await inject("PUT", "/api/credentials/acme%2Fgraph", {
    kind: "microsoft-app",
    value: graphCredential,
    actor: "fuzz",
  });

  const links = oneTimeLinks({ sql: store, keys, publicUrl: () => "https://lifecycle.test" });
  const tokens: string[] = [];
  for (let i = 0; i < 20; i++) {
    const { url } = await links.share(`fuzz:${i}`, `pass-${i}`, {
      label: `pass ${i}`,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    tokens.push(url.slice(url.lastIndexOf("/") + 1));
  }

  const overlays = (kind: "onboard" | "offboard") => [
    { extends: `builtin:${kind}@1`, kind },
    { extends: `builtin:${kind}@1`, kind, remove: [], patch: {}, add: [] },
  ];

  const doc = (await app
    .inject({ method: "GET", url: "/api/openapi.json" })
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
    ["ref", ["acme/graph", "globex/graph"]],
    ["token", tokens],
    ["kind", [...credentialKinds.keys(), "onboard", "offboard"]],
    ["value", [graphCredential]],
    ["actor", ["fuzz@msp.example"]],
    ["requester", ["boss@acme.example.com"]],
    ["manager", [manager]],
    ["user", [leaver]],
    ["planHash", planHashes],
    ["start", ["now", "2025-03-10T09:00"]],
    ["lastDay", ["now", "2025-03-20T17:00"]],
    ["firstName", ["Jane", "Zoë"]],
    ["lastName", ["Doe", "Ødegård"]],
    ["domain", ["acme.example.com"]],
    ["version", [1, 2]],
    ["dryRun", ["true", "false", "1", "0"]],
    ["after", [0, 1, 5]],
    ["extends", ["builtin:onboard@1", "builtin:offboard@1"]],
  ]);
  const bodies = new Map<string, unknown[]>([
    ["POST /api/requests/onboard", onboard],
    ["POST /api/requests/offboard", offboard],
    ["PUT /api/clients/{id}/workflows/{kind}/overlay", [...overlays("onboard"), ...overlays("offboard")]],
    ["POST /api/clients/{id}/workflows/{kind}/validate", [...overlays("onboard"), ...overlays("offboard")]],
    ["PUT /api/credentials/{ref}", [{ kind: "microsoft-app", value: graphCredential, actor: "fuzz" }]],
    [
      "POST /api/runs/{id}/approve",
      planHashes.map((planHash) => ({ actor: "mike.chen@acme.example.com", planHash })),
    ],
    ["POST /api/runs/{id}/reject", [{ actor: "mike.chen@acme.example.com", note: "no" }]],
    ["POST /api/runs/{id}/cancel", [{ actor: "fuzz", reason: "fuzz" }]],
    ["POST /api/runs/{id}/retry", [{ actor: "fuzz" }]],
  ]);

  return {
    app,
    store,
    doc,
    pools,
    bodies,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
