import assert from "node:assert/strict";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { errorCatalogue, errorCodes } from "../../src/server/errors.ts";
import { openapi, stubServer, stubStore } from "./helpers.ts";

const store = stubStore(async () => []);

/**
 * Every method + path Fastify actually serves, read from its own route tree (not from our route modules),
 * so a route registered without documentation cannot slip past. HEAD is Fastify's automatic twin of GET.
 */
function servedRoutes(app: FastifyInstance): Set<string> {
  const routes = new Set<string>();
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? "").length / 4;
    stack.length = depth;
    stack.push(m[2] ?? "");
    const path = stack.join("").replace(/:(\w+)/g, "{$1}");
    for (const method of (m[3] ?? "").split(", ").filter((x) => x && x !== "HEAD"))
      routes.add(`${method} ${path}`);
  }
  return routes;
}

function documentedRoutes(doc: Awaited<ReturnType<typeof openapi>>): Set<string> {
  return new Set(
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    ),
  );
}

test("the OpenAPI document describes exactly the routes the server serves", async () => {
  const app = await stubServer({ store });
  await app.ready();
  // The console's build's files are not API: the only undocumented route (a form link's page is documented).
  const pages = ["GET /assets/{file}"];
  const served = servedRoutes(app);
  const doc = await openapi(app);
  assert.ok(served.size >= 14, `only ${served.size} routes found: the route-tree parser is broken`);
  for (const page of pages) assert.ok(served.delete(page), `the console's ${page} is not served`);
  assert.deepEqual([...documentedRoutes(doc)].sort(), [...served].sort());
  await app.close();
});

test("the OpenAPI document is 3.1 with a JSON schema for every parameter, body and JSON response", async () => {
  const app = await stubServer({ store });
  const raw = await app.inject({ method: "GET", url: "/api/openapi.json" });
  assert.match(String(raw.headers["content-type"]), /application\/json/);
  const doc = JSON.parse(raw.body) as {
    openapi: string;
    info: { title: string };
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: { name: string; in: string; schema?: object }[];
          requestBody?: { content: Record<string, { schema?: object }> };
          responses: Record<string, { content?: Record<string, { schema?: object }> }>;
        }
      >
    >;
  };
  assert.equal(doc.openapi, "3.1.0");
  assert.equal(doc.info.title, "Lifecycle API");
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const p of op.parameters ?? []) assert.ok(p.schema, `${where}: parameter ${p.name} has no schema`);
      for (const name of path.match(/\{(\w+)\}/g) ?? []) {
        assert.ok(
          op.parameters?.some((p) => p.in === "path" && `{${p.name}}` === name),
          `${where}: path parameter ${name} undocumented`,
        );
      }
      // A bulk upload's body is a CSV file; every other body is JSON.
      if (method === "post")
        assert.ok(
          (op.requestBody?.content["application/json"] ?? op.requestBody?.content["text/csv"])?.schema,
          `${where}: no body schema`,
        );
      const success = Object.entries(op.responses).filter(([code]) => code.startsWith("2"));
      assert.ok(success.length > 0, `${where}: no success response`);
      for (const [code, r] of Object.entries(op.responses)) {
        const content = Object.values(r.content ?? {});
        assert.ok(
          content.length > 0 && content.every((c) => c.schema),
          `${where}: response ${code} has no schema`,
        );
      }
      assert.ok(op.responses["500"], `${where}: the internal error response is not documented`);
    }
  }
  await app.close();
});

test("every code in the error catalogue appears in the document's ErrorCode schema, and nothing else does", async () => {
  const app = await stubServer({ store });
  const doc = await openapi(app);
  const schema = doc.components.schemas.ErrorCode as { enum: string[]; description: string };
  assert.ok(schema, "no ErrorCode schema in the document");
  assert.deepEqual([...schema.enum].sort(), [...errorCodes].sort());
  for (const code of errorCodes)
    assert.match(schema.description, new RegExp(`${code}\` \\(${errorCatalogue[code].status}\\)`));
  await app.close();
});

test("every catalogue entry has a stable LC_ERR_ name, an error status and a description", () => {
  for (const [code, entry] of Object.entries(errorCatalogue)) {
    assert.match(code, /^LC_ERR_[A-Z_]+$/);
    assert.ok(entry.status >= 400 && entry.status <= 599, code);
    assert.ok(entry.description.length > 10, code);
  }
});

test("every protected operation declares its security, permission and 401; public ones none", async () => {
  const app = await stubServer({ store });
  const doc = (await openapi(app)) as unknown as {
    components: { securitySchemes?: Record<string, unknown> };
    paths: Record<
      string,
      Record<string, { security?: unknown[]; "x-permission"?: string; responses: Record<string, unknown> }>
    >;
  };
  assert.ok(doc.components.securitySchemes?.bearerAuth);
  assert.ok(doc.components.securitySchemes?.sessionCookie);
  const open = new Set(["/healthz", "/api/auth/sign-in", "/api/auth/methods"]);
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const isPublic =
        open.has(path) ||
        path.startsWith("/credentials/") ||
        path.startsWith("/approvals/") ||
        path.startsWith("/forms/") ||
        path.startsWith("/api/public/") ||
        path.startsWith("/sign-in/") ||
        path.startsWith("/forms/") ||
        path.startsWith("/api/public/") ||
        path.startsWith("/auth/");
      assert.equal(Boolean(op.security), !isPublic, `${method} ${path} security`);
      assert.equal(Boolean(op["x-permission"]), !isPublic, `${method} ${path} permission`);
      // Signing in with a wrong password is a 401 of its own.
      if (path !== "/api/auth/sign-in")
        assert.equal(Boolean(op.responses["401"]), !isPublic, `${method} ${path} 401`);
    }
  }
  await app.close();
});
