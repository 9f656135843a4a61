import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import type { CliContext } from "../../src/cli/commands/context.ts";
import { writeServerFile } from "../../src/cli/data-dir-lock.ts";
import { runCli } from "../../src/cli/program.ts";
import { connect } from "../../src/cli/runtime.ts";
import { buildServer } from "../../src/server/app.ts";
import { cliTokenFile } from "../../src/staff/index.ts";
import { getClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { acmeClient } from "../support/engine-helpers.ts";
import { staffToken } from "../support/signed-in.ts";

describe("clients import with a server running on the data folder", () => {
  let store: Store;
  let app: FastifyInstance;
  let dir: string;
  let url: string;
  let admin: string;

  before(async () => {
    store = await openStore({});
    app = await buildServer({ store });
    await app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    dir = mkdtempSync(join(tmpdir(), "lc-clients-"));
    // As `lifecycle start` leaves the folder: its address, the CLI's token, and its lock held by a live
    // process (the test's parent), so a CLI that opened the store itself would be refused.
    writeServerFile(dir, url);
    admin = await staffToken(store, { role: "admin", email: "ops@msp.test" });
    writeFileSync(join(dir, cliTokenFile), admin);
    writeFileSync(join(dir, "lifecycle.lock"), String(process.ppid));
  });
  after(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const ctx: CliContext = {
      env: { LIFECYCLE_DATA_DIR: dir },
      actor: "tech@msp.example",
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      setExitCode: () => undefined,
      connect: (o) => connect({ LIFECYCLE_DATA_DIR: dir }, o),
    };
    const code = await runCli(argv, ctx);
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(content));
    return path;
  };
  const globex = { ...acmeClient(), id: "globex", displayName: "Globex", domains: ["globex.example"] };
  const audited = () =>
    store.query<{ actor: string; action: string; subject: string }>(
      `select actor, action, subject from audit_log where action like 'client.%' order by id`,
    );

  test("adds and then replaces clients through the server, audited as the token's owner", async () => {
    const added = await cli("clients", "import", file("two.json", [acmeClient(), globex]));
    assert.equal(added.code, 0, added.err);
    assert.equal(added.out, "added client acme\nadded client globex");
    assert.equal((await getClient(store, "globex"))?.displayName, "Globex");
    const replaced = await cli(
      "clients",
      "import",
      file("one.json", { ...globex, displayName: "Globex Corporation" }),
      "--json",
    );
    assert.equal(replaced.code, 0, replaced.err);
    assert.deepEqual(JSON.parse(replaced.out), { imported: [{ id: "globex", created: false }] });
    assert.equal((await getClient(store, "globex"))?.displayName, "Globex Corporation");
    assert.deepEqual(await audited(), [
      { actor: "ops@msp.test", action: "client.create", subject: "acme" },
      { actor: "ops@msp.test", action: "client.create", subject: "globex" },
      { actor: "ops@msp.test", action: "client.replace", subject: "globex" },
    ]);
  });

  test("an invalid file is refused with the field named and nothing stored, as JSON with --json", async () => {
    const bad = {
      ...globex,
      displayName: "Never stored",
      systems: { ...globex.systems, entra: { ...globex.systems.entra, batchWindowMs: 500 } },
    };
    const before = await audited();
    const r = await cli("clients", "import", file("bad.json", [acmeClient(), bad]), "--json");
    assert.equal(r.code, 2);
    const { error } = JSON.parse(r.out) as { error: { code: string; fields: { field: string }[] } };
    assert.equal(error.code, "LC_ERR_VALIDATION");
    assert.deepEqual(
      error.fields.map((f) => f.field),
      ["[1].systems.entra.batchWindowMs"],
    );
    assert.deepEqual(await audited(), before, "nothing stored, not even the valid one");
    assert.notEqual((await getClient(store, "globex"))?.displayName, "Never stored");
  });

  test("POST /api/clients checks each system by its connector and the caller's role and clients", async () => {
    const post = (token: string, body: unknown) =>
      fetch(`${url}/api/clients`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const bad = { ...globex, systems: { entra: { ...globex.systems.entra, tenantId: 7 } } };
    const refused = await post(admin, bad);
    assert.equal(refused.status, 400);
    const { error } = (await refused.json()) as { error: { code: string; fields: { field: string }[] } };
    assert.equal(error.code, "LC_ERR_VALIDATION");
    assert.ok(
      error.fields.some((f) => f.field.startsWith("systems.entra.tenantId")),
      JSON.stringify(error.fields),
    );
    const viewer = await staffToken(store, { role: "viewer", email: "viewer@msp.test" });
    assert.equal((await post(viewer, globex)).status, 403);
    const acmeOnly = await staffToken(store, {
      role: "technician",
      email: "acme-tech@msp.test",
      clients: ["acme"],
    });
    assert.equal((await post(acmeOnly, globex)).status, 403, "another client's config");
    assert.equal((await post(acmeOnly, { ...globex, id: "initech" })).status, 403, "a new client");
    assert.equal((await post(acmeOnly, acmeClient())).status, 200, "their own client");
    const created = await post(admin, { ...globex, id: "initech", displayName: "Initech" });
    assert.equal(created.status, 201);
    assert.equal(((await created.json()) as { id: string }).id, "initech");
  });
});
