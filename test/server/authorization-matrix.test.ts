import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import {
  permissions,
  roleAllows,
  staffRoles,
  type Permission,
  type StaffRole,
} from "../../src/domain/staff-roles.ts";
import { buildServer } from "../../src/server/app.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { staffToken } from "../support/signed-in.ts";
import { parseClientConfig } from "../../src/domain/client.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { json, onboardingBody, seedApprovingClient } from "./helpers.ts";

/**
 * Every operation the OpenAPI document lists, asked by every role, limited to the route's client or to
 * another, and with no, a wrong and an expired token. The document is the route list, so a route added
 * without an access declaration fails the server's start, and one added with it is in this matrix.
 */
/** A bulk upload's file: one row the form reads, whatever the row's own verdict. */
const bulkCsv = (path: string) =>
  path.endsWith("/offboard")
    ? "user,lastDay\nleaver@acme.example.com,now\n"
    : "firstName,lastName,start,manager\nBulk,Person,now,mike.chen@acme.example.com\n";

interface Operation {
  method: string;
  path: string;
  permission?: Permission;
  clientScoped: boolean;
}

type Doc = {
  paths: Record<
    string,
    Record<string, { security?: unknown[]; "x-permission"?: Permission; "x-client-scoped"?: boolean }>
  >;
};

describe("the authorisation matrix, from the OpenAPI document", () => {
  let store: Store;
  let app: FastifyInstance;
  let runId: string;
  let batchId: string;
  let operations: Operation[] = [];
  const tokens = new Map<string, string>();
  let now = new Date();
  let base = "";
  let acmeConfig: unknown;

  before(async () => {
    store = await openStore({});
    // The run's approval is for staff who may approve, so the client's policy refuses no role the route
    // lets through: this matrix is of the routes' permissions (approvals.test.ts is of the policy's).
    const acme = await seedApprovingClient(store, "acme");
    const staffApprove = parseClientConfig({
      ...acme,
      approval: { ...acme.approval, onboarding: "technician" },
    });
    assert.ok(staffApprove.ok);
    await upsertClient(store, staffApprove.value);
    acmeConfig = staffApprove.value;
    await seedApprovingClient(store, "globex");
    app = await buildServer({ store, now: () => now });
    await app.listen({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const admin = await staffToken(store, { role: "admin" });
    tokens.set("admin:all", admin);
    for (const role of staffRoles) {
      tokens.set(`${role}:all`, await staffToken(store, { role, email: `${role}-all@msp.test` }));
      tokens.set(
        `${role}:acme`,
        await staffToken(store, { role, email: `${role}-acme@msp.test`, clients: ["acme"] }),
      );
      tokens.set(
        `${role}:globex`,
        await staffToken(store, { role, email: `${role}-globex@msp.test`, clients: ["globex"] }),
      );
    }
    // Submitted by a technician: an admin who submitted it could not approve it (the requester never does).
    const sub = await app.inject({
      method: "POST",
      url: "/api/requests/onboard",
      headers: { authorization: `Bearer ${tokens.get("technician:all")}` },
      payload: onboardingBody(),
    });
    assert.equal(sub.statusCode, 201, sub.body);
    runId = json<{ runId: string }>(sub).runId;
    const upload = await app.inject({
      method: "POST",
      url: "/api/bulk/onboard?client=acme",
      headers: { authorization: `Bearer ${tokens.get("technician:all")}`, "content-type": "text/csv" },
      payload: bulkCsv("/api/bulk/onboard"),
    });
    assert.equal(upload.statusCode, 201, upload.body);
    batchId = json<{ batchId: string }>(upload).batchId;
    // Submitted by the technician too, so an admin asking to approve it is not its submitter.
    const submitted = await app.inject({
      method: "POST",
      url: `/api/bulk/${batchId}/submit`,
      headers: { authorization: `Bearer ${tokens.get("technician:all")}` },
      payload: {},
    });
    assert.equal(submitted.statusCode, 200, submitted.body);
    const doc = json<Doc>(
      await app.inject({
        method: "GET",
        url: "/api/openapi.json",
        headers: { authorization: `Bearer ${admin}` },
      }),
    );
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        ...(op["x-permission"] ? { permission: op["x-permission"] } : {}),
        clientScoped: op["x-client-scoped"] === true,
      })),
    );
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  // Values that pass each route's validation, so a refusal is the authorisation's, not the schema's.
  const urlOf = (path: string) =>
    path
      .replace("/runs/{id}", `/runs/${runId}`)
      .replace("{batchId}", batchId)
      .replace("/clients/{id}", "/clients/acme")
      .replace("{kind}", "onboard")
      .replace("{version}", "1")
      .replace("{ref}", "acme-graph")
      .replace("{token}", "lct_unknown")
      .replace("{email}", "nobody@msp.test")
      .replace("{linkId}", "00000000-0000-4000-8000-000000000000")
      .replace("{name}", "entra")
      .replace("{id}", "someid")
      .replace(/\?.*$/, "");
  const queryOf = (path: string, method: string) =>
    path === "/api/bulk" || path === "/api/bulk/onboard" || path === "/api/bulk/offboard"
      ? "?client=acme"
      : ["/api/runs", "/api/dashboard", "/api/schedules"].includes(path) || path.startsWith("/api/requests/")
        ? method === "GET"
          ? "?client=acme"
          : "?dryRun=true"
        : path.endsWith("/people")
          ? "?q=mi"
          : "";
  const bodyOf = (op: Operation): unknown => {
    if (op.method === "GET" || op.method === "DELETE") return undefined;
    if (op.path.startsWith("/api/requests/")) return onboardingBody();
    if (op.path === "/api/bulk/onboard" || op.path === "/api/bulk/offboard") return bulkCsv(op.path);
    // A batch hash that is not the batch's: refused by the batch (409), never by the schema.
    if (op.path === "/api/bulk/{batchId}/approve") return { planHash: "0".repeat(64) };
    // A hash that is not the run's: the approval is refused by the engine (409), never by the schema.
    if (op.path === "/api/runs/{id}/approve") return { planHash: "0".repeat(64) };
    // Acme's config as it is: replacing it with itself changes nothing, and names the client it is about.
    if (op.path === "/api/clients" && op.method === "POST") return acmeConfig;
    if (op.path === "/api/clients/{id}/form-links") return { kind: "onboard" };
    // A valid start: the run began at once, so the engine refuses it (409), never the schema.
    if (op.path === "/api/runs/{id}/reschedule") return { startAt: { local: "2030-01-01T09:00" } };
    return {};
  };

  // Over a real socket, and only the status read: a live stream's answer never ends.
  const ask = async (op: Operation, headers: Record<string, string>) => {
    const body = bodyOf(op);
    const res = await fetch(`${base}${urlOf(op.path)}${queryOf(op.path, op.method)}`, {
      method: op.method,
      headers: {
        ...headers,
        ...(body === undefined
          ? {}
          : { "content-type": typeof body === "string" ? "text/csv" : "application/json" }),
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = res.headers.get("content-type")?.startsWith("text/event-stream") ? "" : await res.text();
    await res.body?.cancel().catch(() => undefined);
    return { statusCode: res.status, body: text };
  };

  test("the document lists the routes, each protected one naming its permission", (t) => {
    assert.ok(operations.length >= 30, `only ${operations.length} operations`);
    const protectedOps = operations.filter((o) => o.permission);
    t.diagnostic(
      `${operations.length} operations: ${protectedOps.length} protected (${protectedOps.filter((o) => o.clientScoped).length} about a client), ${operations.length - protectedOps.length} public`,
    );
    for (const op of operations) {
      if (op.permission) assert.ok(permissions.includes(op.permission), `${op.method} ${op.path}`);
    }
    assert.ok(operations.some((o) => o.path === "/api/requests/onboard" && o.permission === "submit"));
  });

  test("no token, a wrong token and an expired token: 401 on every protected route", async () => {
    const expired = await staffToken(store, { role: "admin", email: "expiring@msp.test" });
    const failures: string[] = [];
    for (const op of operations.filter((o) => o.permission)) {
      for (const [label, headers] of [
        ["none", {}],
        ["wrong", { authorization: `Bearer lct_AAAAAAAAAAAA.${"B".repeat(43)}` }],
      ] as const) {
        const res = await ask(op, headers);
        if (res.statusCode !== 401) failures.push(`${op.method} ${op.path} (${label}): ${res.statusCode}`);
      }
    }
    now = new Date(Date.now() + 400 * 86_400_000);
    try {
      for (const op of operations.filter((o) => o.permission)) {
        const res = await ask(op, { authorization: `Bearer ${expired}` });
        if (res.statusCode !== 401) failures.push(`${op.method} ${op.path} (expired): ${res.statusCode}`);
      }
    } finally {
      now = new Date();
    }
    assert.deepEqual(failures, []);
  });

  test("every role × client scope: 403 exactly where the role lacks the permission or the client is not theirs", async () => {
    const failures: string[] = [];
    for (const op of operations.filter((o) => o.permission)) {
      for (const role of staffRoles) {
        for (const scope of ["all", "acme", "globex"] as const) {
          const token = tokens.get(`${role}:${scope}`)!;
          const res = await ask(op, { authorization: `Bearer ${token}` });
          const roleOk = roleAllows(role as StaffRole, op.permission!);
          const clientOk = !op.clientScoped || scope !== "globex";
          const expect403 = !roleOk || !clientOk;
          const got = res.statusCode;
          if (expect403 ? got !== 403 : got === 401 || got === 403)
            failures.push(
              `${op.method} ${op.path} as ${role}:${scope}: ${got} (${expect403 ? "expected 403" : "expected through"}) ${res.body.slice(0, 120)}`,
            );
        }
      }
    }
    assert.deepEqual(failures, []);
  });

  test("public routes answer without a token, never 401", async () => {
    for (const op of operations.filter((o) => !o.permission)) {
      const res = await ask(op, {});
      assert.notEqual(res.statusCode, 401, `${op.method} ${op.path}`);
    }
  });
});
