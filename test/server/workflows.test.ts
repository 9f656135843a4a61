import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { signedInServer } from "../support/signed-in.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { seedClient } from "../support/engine-helpers.ts";
import { assertMatchesDocument, fieldsOf, json, openapi } from "./helpers.ts";

const path = "/api/clients/{id}/workflows/{kind}";

const overlay = {
  kind: "onboard",
  extends: "builtin:onboard@1",
  remove: ["autopilot"],
  add: [
    {
      id: "finance-group",
      action: "groups.add-member",
      title: "Add to Finance-Team",
      on: "directory",
      params: { upn: "${derived.upn}", group: "Finance-Team" },
      after: ["create-user"],
    },
  ],
  patch: { "set-manager": { required: false, when: null } },
};

interface WorkflowReply {
  version: number | null;
  extends: string;
  savedBy: string | null;
  definition: { id: string; version: number; steps: { id: string; required: boolean }[] };
}

describe("workflow routes", () => {
  let store: Store;
  let app: FastifyInstance;
  let doc: Awaited<ReturnType<typeof openapi>>;
  const versions = async () =>
    (await store.query<{ n: number }>(`select count(*)::int as n from workflow_versions`))[0]!.n;

  before(async () => {
    store = await openStore({});
    await seedClient(store, "acme");
    await seedClient(store, "globex");
    app = await signedInServer({ store });
    doc = await openapi(app);
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  test("a client without an overlay answers the built-in, version null, and an empty overlay", async () => {
    const res = await app.inject({ method: "GET", url: "/api/clients/globex/workflows/onboard" });
    assert.equal(res.statusCode, 200, res.body);
    assertMatchesDocument(doc, "GET", path, res);
    const body = json<WorkflowReply>(res);
    assert.equal(body.version, null);
    assert.equal(body.definition.id, "builtin:onboard");
    const o = await app.inject({ method: "GET", url: "/api/clients/globex/workflows/onboard/overlay" });
    assert.equal(o.statusCode, 200, o.body);
    assertMatchesDocument(doc, "GET", `${path}/overlay`, o);
    assert.deepEqual(json(o).overlay, {
      kind: "onboard",
      extends: "builtin:onboard@1",
      remove: [],
      add: [],
      patch: {},
    });
  });

  test("PUT saves the next version, audited with the actor; GET then answers it", async () => {
    const res = await app.inject({
      method: "PUT",
      url: "/api/clients/acme/workflows/onboard/overlay",
      payload: overlay,
    });
    assert.equal(res.statusCode, 200, res.body);
    assertMatchesDocument(doc, "PUT", `${path}/overlay`, res);
    const saved = json<WorkflowReply>(res);
    assert.equal(saved.version, 1);
    assert.equal(saved.savedBy, "test-admin@lifecycle.test");
    assert.equal(saved.definition.id, "client:acme:onboard");
    const [audit] = await store.query<{ actor: string; subject: string }>(
      `select actor, subject from audit_log where action = 'workflow.save'`,
    );
    assert.deepEqual(audit, { actor: "test-admin@lifecycle.test", subject: "acme/onboard@1" });

    const got = await app.inject({ method: "GET", url: "/api/clients/acme/workflows/onboard" });
    assert.equal(got.statusCode, 200);
    const body = json<WorkflowReply>(got);
    assert.equal(body.version, 1);
    assert.ok(body.definition.steps.some((s) => s.id === "finance-group"));
    assert.equal(body.definition.steps.find((s) => s.id === "set-manager")?.required, false);
    const o = await app.inject({ method: "GET", url: "/api/clients/acme/workflows/onboard/overlay" });
    assert.deepEqual(json(o).overlay, overlay);
  });

  test("a bad overlay is refused with its fields, and nothing is saved", async () => {
    const before = await versions();
    const res = await app.inject({
      method: "PUT",
      url: "/api/clients/acme/workflows/onboard/overlay",
      payload: { ...overlay, remove: ["no-such-step"], patch: { nope: { required: true } } },
    });
    assert.equal(res.statusCode, 400, res.body);
    assertMatchesDocument(doc, "PUT", `${path}/overlay`, res);
    assert.deepEqual(fieldsOf(res), ["remove.0", "patch.nope"]);
    const wrongKind = await app.inject({
      method: "PUT",
      url: "/api/clients/acme/workflows/offboard/overlay",
      payload: overlay,
    });
    assert.equal(wrongKind.statusCode, 400);
    assert.deepEqual(fieldsOf(wrongKind), ["kind"]);
    assert.equal(await versions(), before);
  });

  test("an unknown client, kind or version is a 404 or a field error, never a 500", async () => {
    const client = await app.inject({ method: "GET", url: "/api/clients/nobody/workflows/onboard" });
    assert.equal(client.statusCode, 404);
    assertMatchesDocument(doc, "GET", path, client);
    assert.deepEqual(fieldsOf(client), ["client"]);
    const put = await app.inject({
      method: "PUT",
      url: "/api/clients/nobody/workflows/onboard/overlay",
      payload: overlay,
    });
    assert.equal(put.statusCode, 404);
    const kind = await app.inject({ method: "GET", url: "/api/clients/acme/workflows/sideboard" });
    assert.equal(kind.statusCode, 400);
    assert.deepEqual(fieldsOf(kind), ["kind"]);
    const version = await app.inject({
      method: "GET",
      url: "/api/clients/acme/workflows/onboard/versions/99",
    });
    assert.equal(version.statusCode, 404);
    assert.deepEqual(fieldsOf(version), ["version"]);
  });

  test("validate answers the errors or the definition a save would give, and saves nothing", async () => {
    const before = await versions();
    const good = await app.inject({
      method: "POST",
      url: "/api/clients/acme/workflows/onboard/validate",
      payload: overlay,
    });
    assert.equal(good.statusCode, 200, good.body);
    assertMatchesDocument(doc, "POST", `${path}/validate`, good);
    const body = json<{ valid: boolean; definition: { version: number } }>(good);
    assert.equal(body.valid, true);
    assert.equal(body.definition.version, 2);
    const bad = await app.inject({
      method: "POST",
      url: "/api/clients/acme/workflows/onboard/validate",
      payload: { ...overlay, add: [overlay.add[0], overlay.add[0]] },
    });
    assert.equal(bad.statusCode, 200);
    assertMatchesDocument(doc, "POST", `${path}/validate`, bad);
    const badBody = json<{ valid: boolean; errors: { field: string }[] }>(bad);
    assert.equal(badBody.valid, false);
    assert.deepEqual(
      badBody.errors.map((e) => e.field),
      ["add.1.id"],
    );
    assert.equal(await versions(), before);
  });

  test("history lists the versions, and each version answers its own overlay and definition", async () => {
    const second = await app.inject({
      method: "PUT",
      url: "/api/clients/acme/workflows/onboard/overlay",
      payload: { ...overlay, remove: [] },
    });
    assert.equal(second.statusCode, 200, second.body);
    const res = await app.inject({ method: "GET", url: "/api/clients/acme/workflows/onboard/history" });
    assert.equal(res.statusCode, 200);
    assertMatchesDocument(doc, "GET", `${path}/history`, res);
    assert.deepEqual(
      json<{ version: number; savedBy: string; extends: string }[]>(res).map((h) => [
        h.version,
        h.savedBy,
        h.extends,
      ]),
      [
        [2, "test-admin@lifecycle.test", "builtin:onboard@1"],
        [1, "test-admin@lifecycle.test", "builtin:onboard@1"],
      ],
    );
    const v1 = await app.inject({ method: "GET", url: "/api/clients/acme/workflows/onboard/versions/1" });
    assert.equal(v1.statusCode, 200, v1.body);
    assertMatchesDocument(doc, "GET", `${path}/versions/{version}`, v1);
    const body = json<WorkflowReply & { overlay: { remove: string[] } }>(v1);
    assert.equal(body.definition.version, 1);
    assert.deepEqual(body.overlay.remove, ["autopilot"]);
  });

  test("the workflow routes need a token", async () => {
    const res = await app.inject({
      method: "GET",
      url: "/api/clients/acme/workflows/onboard",
      headers: { authorization: "Bearer wrong" },
    });
    assert.equal(res.statusCode, 401);
  });
});
