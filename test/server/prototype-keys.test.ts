import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import fc from "fast-check";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { keyring } from "../../src/credentials/keys.ts";
import { signedInServer } from "../support/signed-in.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { json, onboardingBody, seedApprovingClient, type ErrorReply } from "./helpers.ts";

/**
 * Names that a plain object answers without holding them: a lookup keyed by user input that finds one of
 * these finds a function of Object.prototype (or the prototype itself) instead of "no such key".
 */
const protoKeys = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf"];
const protoKey = fc.constantFrom(...protoKeys);

let store: Store;
let app: FastifyInstance;

before(async () => {
  store = await openStore({});
  await seedApprovingClient(store);
  const ring = keyring(randomBytes(32));
  app = await signedInServer({ store, keys: () => ring, now: () => new Date("2025-03-03T08:00:00Z") });
});

after(async () => {
  await app.close();
  await store.close();
});

const send = (method: "POST" | "PUT", url: string, body: unknown) =>
  app.inject({ method, url, headers: { "content-type": "application/json" }, payload: JSON.stringify(body) });

/** An answer that is the product's own: never a 5xx, and nothing of Object.prototype leaked into it. */
function assertSound(res: LightMyRequestResponse, what: string): void {
  assert.ok(res.statusCode < 500, `${what}: ${res.statusCode} ${res.body}`);
  assert.doesNotMatch(res.body, /\[native code\]|function \w*\(|\[object Object\]/, what);
  if (res.statusCode >= 400) assert.match(json<ErrorReply>(res).error.code, /^LC_ERR_[A-Z_]+$/, what);
}

// Where a prototype name can sit in a body: as a value, in a list, or as a key of an object.
const placed = protoKey.chain((k) =>
  fc.constantFrom<unknown>(k, [k], { [k]: k }, { [k]: [k] }, `${k}@acme.example.com`),
);

const onboardFields = [
  "client",
  "department",
  "role",
  "jobTitle",
  "office",
  "domain",
  "username",
  "manager",
  "copyFrom",
  "extraGroups",
  "extraLicenses",
  "sharedMailboxes",
  "customFields",
  "start",
  "employeeId",
];

test("the planner: prototype names in any onboarding field plan nothing from Object.prototype", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.dictionary(fc.constantFrom(...onboardFields), placed, { minKeys: 1, maxKeys: 4 }),
      fc.boolean(),
      async (overrides, dryRun) => {
        const res = await send("POST", `/api/requests/onboard?dryRun=${dryRun}`, onboardingBody(overrides));
        assertSound(res, JSON.stringify(overrides));
      },
    ),
    { numRuns: 150 },
  );
});

test("the planner: a prototype name as department or role adds no group and no licence", async () => {
  await fc.assert(
    fc.asyncProperty(protoKey, protoKey, async (department, role) => {
      const res = await send(
        "POST",
        "/api/requests/onboard?dryRun=true",
        onboardingBody({ department, role }),
      );
      assertSound(res, `${department} ${role}`);
      assert.equal(res.statusCode, 200, res.body);
      const derived = json<{ plan: { actions: { type: string; params: Record<string, unknown> }[] } }>(res);
      const groups = derived.plan.actions.filter((a) => a.type.startsWith("groups."));
      const licences = derived.plan.actions.filter((a) => a.type.startsWith("licensing."));
      for (const a of [...groups, ...licences])
        assert.doesNotMatch(JSON.stringify(a.params), /Marketing|SPB/);
    }),
    { numRuns: 40 },
  );
});

test("offboarding: prototype names as the actions' keys or values are refused or planned, never a 500", async () => {
  await fc.assert(
    fc.asyncProperty(placed, protoKey, async (value, key) => {
      const body = {
        client: "acme",
        user: "max.muster@acme.example.com",
        lastDay: "now",
        requester: "boss@acme.example.com",
        actions: { [key]: value, forwardTo: value },
      };
      assertSound(await send("POST", "/api/requests/offboard?dryRun=true", body), JSON.stringify(body));
    }),
    { numRuns: 100 },
  );
});

test("credentials: a prototype name as kind, reference or inside the value is a field error, never a 500", async () => {
  await fc.assert(
    fc.asyncProperty(protoKey, placed, protoKey, async (kind, value, ref) => {
      const res = await send("PUT", `/api/credentials/${encodeURIComponent(ref)}`, {
        kind,
        value,
      });
      assertSound(res, `${kind} ${ref} ${JSON.stringify(value)}`);
      const { error } = json<ErrorReply>(res);
      // Fastify refuses any body holding a "__proto__" key before a route sees it.
      if (JSON.stringify(value).includes('"__proto__":'))
        assert.equal(error.code, "LC_ERR_MALFORMED_REQUEST");
      // "__proto__" is not a reference's shape, and a bad reference is reported before the kind.
      else
        assert.ok(
          error.fields?.some((f) => f.field === (ref === "__proto__" ? "ref" : "kind")),
          res.body,
        );
    }),
    { numRuns: 100 },
  );
  const list = await app.inject({ method: "GET", url: "/api/credentials" });
  assert.deepEqual(json(list), [], "nothing was stored");
});

test("workflows: prototype names as step ids, actions, patches, bindings and expression paths never 500", async () => {
  const overlay = (k: string, v: unknown) => ({
    extends: "builtin:onboard@1",
    kind: "onboard",
    remove: [k],
    patch: { [k]: { params: { [k]: v } } },
    add: [
      {
        id: k,
        action: k,
        params: { [k]: `\${request.${k}}`, x: `\${derived.${k}}`, y: `\${vars.${k}}`, z: `\${client.${k}}` },
        bind: { [k]: k },
        after: [k],
      },
    ],
  });
  await fc.assert(
    fc.asyncProperty(protoKey, placed, fc.boolean(), async (k, v, save) => {
      const res = save
        ? await send("PUT", "/api/clients/acme/workflows/onboard/overlay", overlay(k, v))
        : await send("POST", "/api/clients/acme/workflows/onboard/validate", overlay(k, v));
      assertSound(res, `${k} ${JSON.stringify(v)}`);
    }),
    { numRuns: 100 },
  );
  for (const k of protoKeys) {
    const res = await app.inject({ method: "GET", url: `/api/clients/${k}/workflows/onboard` });
    assert.equal(res.statusCode, 404, res.body);
  }
});
