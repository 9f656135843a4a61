// The demo's emulator state survives its process: a kill -9 of `npm start` used to bring the tenant back
// empty, and the resumed run failed with UserNotFound.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { demoMicrosoft365, demoMicrosoft365StateFile } from "../../../emulators/demo/microsoft.ts";
import { acme, type Microsoft365Emulator } from "../../../emulators/microsoft365/index.ts";
import { graphFor, newUserBody, startEmulator, type TestTenant } from "./helpers.ts";

const acmeTenant: TestTenant = {
  id: acme.tenantId,
  domain: acme.domain,
  clientId: acme.clientId,
  clientSecret: acme.clientSecret,
};

const names = (emu: Microsoft365Emulator) => ({
  users: emu.admin
    .users(acme.tenantId)
    .map((u) => u.userPrincipalName)
    .sort(),
  groups: emu.admin
    .groups(acme.tenantId)
    .map((g) => `${g.displayName}: ${g.members.map((m) => m.name).join(",")}`)
    .sort(),
  mailboxes: emu.admin
    .mailboxes(acme.tenantId)
    .map((m) => `${m.userPrincipalName} ${m.recipientTypeDetails}`)
    .sort(),
});

describe("emulator state under the data folder", () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), "lifecycle-emu-state-"));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it("seeds Acme the first time and writes the snapshot at once", async () => {
    const emu = await demoMicrosoft365("fast", dataDir);
    try {
      assert.equal(emu.restored, false);
      assert.ok(existsSync(demoMicrosoft365StateFile(dataDir)));
      assert.ok(emu.admin.users(acme.tenantId).some((u) => u.userPrincipalName === "mike.chen@acmecorp.com"));
    } finally {
      await emu.close();
    }
  });

  it("comes back after a kill with the users, groups and mailboxes Graph made, without seeding again", async () => {
    const first = await demoMicrosoft365("fast", dataDir);
    const graph = await graphFor(first.url, acmeTenant);
    const created = await graph.send("POST", "/users", newUserBody(acme.domain, "sarah.johnson"));
    assert.equal(created.status, 201);
    const sarah = String(created.json.id);
    const marketing = first.admin.group(acme.tenantId, "Marketing").id;
    const ref = { "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${sarah}` };
    assert.equal((await graph.send("POST", `/groups/${marketing}/members/$ref`, ref)).status, 204);
    assert.equal((await graph.send("PATCH", `/users/${sarah}`, { jobTitle: "Designer" })).status, 204);
    const expected = names(first);
    // No close: the snapshot must already be on disk once the debounce has passed, as after a kill -9.
    await delay(600);
    const second = await demoMicrosoft365("fast", dataDir);
    try {
      assert.equal(second.restored, true);
      assert.deepEqual(names(second), expected);
      assert.equal(second.admin.user(acme.tenantId, sarah).props.jobTitle, "Designer");
      assert.equal(
        second.admin.users(acme.tenantId).filter((u) => u.userPrincipalName === "mike.chen@acmecorp.com")
          .length,
        1,
        "the seed did not run again",
      );
      // A token the first process issued still works: the signing key is part of the state.
      const viaSecond = await fetch(`${second.url}/v1.0/users/${sarah}`, {
        headers: { authorization: (await bearerOf(first.url)) ?? "" },
      });
      assert.equal(viaSecond.status, 200);
    } finally {
      await second.close();
      await first.close();
    }
  });

  it("replaces the file whole: what is on disk always parses", async () => {
    const file = demoMicrosoft365StateFile(dataDir);
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    assert.equal((parsed as { version: number }).version, 1);
  });

  it("keeps a test emulator without a state file in memory only", async () => {
    const emu = await startEmulator();
    try {
      assert.equal(emu.restored, false);
    } finally {
      await emu.close();
    }
  });
});

async function bearerOf(url: string): Promise<string | undefined> {
  const reply = await fetch(`${url}/${acme.domain}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: acme.clientId,
      client_secret: acme.clientSecret,
      scope: "https://graph.microsoft.com/.default",
    }),
  });
  const body = (await reply.json()) as { access_token?: string };
  return body.access_token ? `Bearer ${body.access_token}` : undefined;
}
