import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Microsoft365Emulator } from "../../../emulators/microsoft365/index.ts";
import {
  createTenant,
  graphError,
  graphFor,
  newUserBody,
  startEmulator,
  type Graph,
  type TestTenant,
} from "./helpers.ts";

describe("users", () => {
  let emu: Microsoft365Emulator;
  let tenant: TestTenant;
  let graph: Graph;
  before(async () => {
    emu = await startEmulator();
    tenant = createTenant(emu.admin);
    graph = await graphFor(emu.url, tenant);
  });
  after(() => emu.close());

  it("creates a user with 201 and the default properties, readable by id and by UPN", async () => {
    const body = {
      ...newUserBody(tenant.domain, "adele"),
      givenName: "Adele",
      surname: "Vance",
      usageLocation: "US",
      department: "Sales",
    };
    const created = await graph.send("POST", "/users", body);
    assert.equal(created.status, 201);
    assert.equal(created.json["@odata.context"], `${emu.url}/v1.0/$metadata#users/$entity`);
    assert.deepEqual(Object.keys(created.json).sort(), [
      "@odata.context",
      "businessPhones",
      "displayName",
      "givenName",
      "id",
      "jobTitle",
      "mail",
      "mobilePhone",
      "officeLocation",
      "preferredLanguage",
      "surname",
      "userPrincipalName",
    ]);
    const id = String(created.json.id);
    const byId = await graph.get(`/users/${id}`);
    const byUpn = await graph.get(`/users/adele@${tenant.domain}`);
    assert.equal(byId.json.displayName, "User adele");
    assert.equal(byUpn.json.id, id);
    assert.equal(byId.json.department, undefined, "department is returned only on $select");
    const selected = await graph.get(
      `/users/${id}?$select=department,usageLocation,accountEnabled,passwordProfile`,
    );
    assert.deepEqual(
      {
        department: selected.json.department,
        usageLocation: selected.json.usageLocation,
        accountEnabled: selected.json.accountEnabled,
      },
      { department: "Sales", usageLocation: "US", accountEnabled: true },
    );
    assert.equal((selected.json.passwordProfile as Record<string, unknown>).password, null);
  });

  it("sends the standard Graph headers, echoing client-request-id", async () => {
    const reply = await graph.get("/users?$top=1", { "client-request-id": "abc-123" });
    assert.equal(reply.headers.get("client-request-id"), "abc-123");
    assert.match(reply.headers.get("request-id") ?? "", /^[0-9a-f-]{36}$/);
    assert.ok(reply.headers.get("x-ms-ags-diagnostic")?.includes("ServerInfo"));
    assert.ok(reply.headers.get("date"));
    assert.equal(
      reply.headers.get("content-type"),
      "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8",
    );
  });

  it("refuses a duplicate UPN with the verbatim 400 ObjectConflict body", async () => {
    const body = newUserBody(tenant.domain, "dup");
    assert.equal((await graph.send("POST", "/users", body)).status, 201);
    const again = await graph.send("POST", "/users", body, { "client-request-id": "dup-1" });
    assert.equal(again.status, 400);
    const error = graphError(again);
    assert.equal(error.code, "Request_BadRequest");
    assert.equal(
      error.message,
      "Another object with the same value for property userPrincipalName already exists.",
    );
    assert.deepEqual(error.details, [{ target: "userPrincipalName", code: "ObjectConflict" }]);
    assert.equal(error.innerError["client-request-id"], "dup-1");
    assert.match(error.innerError.date ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    assert.equal(error.innerError["request-id"], again.headers.get("request-id"));
  });

  it("refuses an unverified domain, a weak password and an unknown property", async () => {
    const domain = await graph.send("POST", "/users", newUserBody("elsewhere.example"));
    assert.match(
      graphError(domain).message,
      /^The domain portion of the userPrincipalName property is invalid/,
    );
    const weak = await graph.send("POST", "/users", {
      ...newUserBody(tenant.domain),
      passwordProfile: { password: "short" },
    });
    assert.equal(
      graphError(weak).message,
      "The specified password does not comply with password complexity requirements. Please provide a different password.",
    );
    const unknown = await graph.send("POST", "/users", {
      ...newUserBody(tenant.domain),
      favouriteColour: "blue",
    });
    assert.equal(unknown.status, 400);
  });

  it("updates with PATCH 204, resets the password, and deletes with 204 after which the user is 404", async () => {
    const created = await graph.send("POST", "/users", newUserBody(tenant.domain));
    const id = String(created.json.id);
    const patch = await graph.send("PATCH", `/users/${id}`, {
      accountEnabled: false,
      jobTitle: "Rep",
      usageLocation: "DE",
    });
    assert.equal(patch.status, 204);
    assert.equal(patch.text, "");
    const read = await graph.get(`/users/${id}?$select=accountEnabled,jobTitle,usageLocation`);
    assert.deepEqual(read.json.accountEnabled, false);
    assert.equal(read.json.jobTitle, "Rep");
    const reset = await graph.send("PATCH", `/users/${id}`, {
      passwordProfile: { password: "N3w!Passw0rd-x", forceChangePasswordNextSignIn: true },
    });
    assert.equal(reset.status, 204);
    assert.equal(emu.admin.user(tenant.id, id).password, "N3w!Passw0rd-x");
    assert.equal((await graph.send("DELETE", `/users/${id}`)).status, 204);
    const gone = await graph.get(`/users/${id}`);
    assert.equal(gone.status, 404);
    assert.equal(graphError(gone).code, "Request_ResourceNotFound");
    assert.equal(
      graphError(gone).message,
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    );
  });

  it("revokes sessions with 200 {value:true} and moves signInSessionsValidFromDateTime forward", async () => {
    const created = await graph.send("POST", "/users", newUserBody(tenant.domain));
    const id = String(created.json.id);
    emu.admin.advanceClock(5000);
    const reply = await graph.send("POST", `/users/${id}/revokeSignInSessions`);
    assert.equal(reply.status, 200);
    assert.equal(reply.json.value, true);
    assert.equal(reply.json["@odata.context"], `${emu.url}/v1.0/$metadata#Edm.Boolean`);
    const read = await graph.get(`/users/${id}?$select=signInSessionsValidFromDateTime,createdDateTime`);
    assert.ok(String(read.json.signInSessionsValidFromDateTime) > String(read.json.createdDateTime));
  });

  it("sets and reads a manager, and answers a user without one with 404 'Resource 'manager' does not exist'", async () => {
    const boss = await graph.send("POST", "/users", newUserBody(tenant.domain));
    const report = await graph.send("POST", "/users", newUserBody(tenant.domain));
    const none = await graph.get(`/users/${String(report.json.id)}/manager`);
    assert.equal(none.status, 404);
    assert.equal(
      graphError(none).message,
      "Resource 'manager' does not exist or one of its queried reference-property objects are not present.",
    );
    const put = await graph.send("PUT", `/users/${String(report.json.id)}/manager/$ref`, {
      "@odata.id": `https://graph.microsoft.com/v1.0/users/${String(boss.json.id)}`,
    });
    assert.equal(put.status, 204);
    const manager = await graph.get(`/users/${String(report.json.id)}/manager`);
    assert.equal(manager.json.id, boss.json.id);
    assert.equal(manager.json["@odata.type"], "#microsoft.graph.user");
  });
});

describe("replication lag", () => {
  let emu: Microsoft365Emulator;
  let tenant: TestTenant;
  let graph: Graph;
  before(async () => {
    emu = await startEmulator();
    tenant = createTenant(emu.admin);
    graph = await graphFor(emu.url, tenant);
    emu.admin.setReplicationLag(2000);
  });
  after(() => emu.close());

  it("answers 404 for a just-created user's GET, PATCH and $ref, hides it from filters, then serves it once the lag passes", async () => {
    const group = emu.admin.createGroup(tenant.id, { displayName: "Lagged", kind: "security" });
    const created = await graph.send("POST", "/users", newUserBody(tenant.domain, "fresh"));
    assert.equal(created.status, 201, "the write itself answers with the object");
    const id = String(created.json.id);
    assert.equal((await graph.get(`/users/${id}`)).status, 404);
    assert.equal(graphError(await graph.get(`/users/${id}`)).code, "Request_ResourceNotFound");
    assert.equal((await graph.send("PATCH", `/users/${id}`, { jobTitle: "x" })).status, 404);
    const ref = await graph.send("POST", `/groups/${group.id}/members/$ref`, {
      "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${id}`,
    });
    assert.equal(ref.status, 404);
    const filtered = await graph.get(`/users?$filter=userPrincipalName eq 'fresh@${tenant.domain}'`);
    assert.deepEqual(filtered.json.value, []);
    const duplicate = await graph.send("POST", "/users", newUserBody(tenant.domain, "fresh"));
    assert.equal(
      graphError(duplicate).details?.length,
      1,
      "uniqueness is checked on the primary, lag or not",
    );

    emu.admin.advanceClock(2001);
    assert.equal((await graph.get(`/users/${id}`)).status, 200);
    assert.equal(
      (await graph.get(`/users?$filter=userPrincipalName eq 'fresh@${tenant.domain}'`)).json.value instanceof
        Array,
      true,
    );
    assert.equal(
      (
        (await graph.get(`/users?$filter=userPrincipalName eq 'fresh@${tenant.domain}'`)).json
          .value as unknown[]
      ).length,
      1,
    );
    assert.equal(
      (
        await graph.send("POST", `/groups/${group.id}/members/$ref`, {
          "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${id}`,
        })
      ).status,
      204,
    );
  });
});

describe("path matching", () => {
  let emu: Microsoft365Emulator;
  let tenant: TestTenant;
  let graph: Graph;
  before(async () => {
    emu = await startEmulator();
    tenant = createTenant(emu.admin);
    graph = await graphFor(emu.url, tenant);
  });
  after(() => emu.close());

  it("matches path segments without regard to case, as Graph does, and keeps the id's own case", async () => {
    emu.admin.createUser(tenant.id, { userPrincipalName: `kim@${tenant.domain}`, displayName: "Kim" });
    const reply = await graph.get(`/USERS/Kim@${tenant.domain.toUpperCase()}/memberof`);
    assert.equal(reply.status, 200);
  });

  it("answers a known path with the wrong method with 405 and the directory's text", async () => {
    const reply = await graph.send("DELETE", "/subscribedSkus");
    assert.equal(reply.status, 405);
    assert.equal(graphError(reply).message, "Specified HTTP method is not allowed for the request target.");
  });

  it("answers an unknown segment with 400 'Resource not found for the segment'", async () => {
    const reply = await graph.get("/usres");
    assert.equal(reply.status, 400);
    assert.equal(graphError(reply).message, "Resource not found for the segment 'usres'.");
  });
});
