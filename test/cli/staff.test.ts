import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type { LifecycleApi } from "../../src/cli/api.ts";
import type { CliContext } from "../../src/cli/commands/context.ts";
import { directApi } from "../../src/cli/direct-api.ts";
import { httpApi } from "../../src/cli/http-api.ts";
import { runCli } from "../../src/cli/program.ts";
import { migrate } from "../../src/store/migrate.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { seedClient } from "../support/engine-helpers.ts";
import { signedInServer } from "../support/signed-in.ts";

describe("lifecycle staff and tokens", () => {
  let store: Store;
  let server: Awaited<ReturnType<typeof signedInServer>>;
  let url: string;

  before(async () => {
    store = await openStore({});
    await migrate(store);
    await seedClient(store, "acme");
    server = await signedInServer({ store });
    await server.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await server.close();
    await store.close();
  });

  for (const mode of ["direct", "http"] as const) {
    const api = (): LifecycleApi =>
      mode === "direct" ? { ...directApi(store), close: async () => undefined } : httpApi(url, server.token);
    const cli = async (...argv: string[]) => {
      const out: string[] = [];
      const ctx: CliContext = {
        env: { LIFECYCLE_PUBLIC_URL: "https://lifecycle.msp.example" },
        actor: "tech@msp.example",
        out: (t) => out.push(t),
        err: (t) => out.push(t),
        setExitCode: () => undefined,
        connect: async () => api(),
      };
      const code = await runCli(argv, ctx);
      return { code, out: out.join("\n") };
    };

    test(`staff add prints a sign-in link; list, link and disable (${mode})`, async () => {
      const email = `${mode}.tech@msp.example`;
      const added = await cli("staff", "add", email, "--role", "technician", "--clients", "acme");
      assert.equal(added.code, 0, added.out);
      assert.match(added.out, /technician {2}acme/);
      assert.match(added.out, /\/sign-in\/lct_[A-Za-z0-9_-]{12}\./);
      if (mode === "direct") assert.match(added.out, /https:\/\/lifecycle\.msp\.example\/sign-in\//);
      const list = await cli("staff", "list");
      assert.match(list.out, new RegExp(`${email.replace(".", "\\.")} {2}technician`));
      assert.match((await cli("staff", "link", email)).out, /\/sign-in\/lct_/);
      const bad = await cli("staff", "add", "x@msp.example", "--role", "boss");
      assert.equal(bad.code, 2);
      assert.match(bad.out, /--role must be one of/);
      const disabled = await cli("staff", "disable", email);
      assert.equal(disabled.code, 0, disabled.out);
      assert.match(disabled.out, /disabled/);
    });

    test(`tokens create shows the value once; list never does; revoke (${mode})`, async () => {
      const made = await cli("tokens", "create", `ci-${mode}`, "--role", "viewer", "--days", "7");
      assert.equal(made.code, 0, made.out);
      const token = /lct_[A-Za-z0-9_-]{12}\.[A-Za-z0-9_-]{43}/.exec(made.out)?.[0];
      assert.ok(token, made.out);
      const id = token.slice(4, 16);
      const list = await cli("tokens", "list");
      assert.ok(list.out.includes(id) && !list.out.includes(token.slice(17)), list.out);
      const revoked = await cli("tokens", "revoke", id);
      assert.match(revoked.out, /revoked/);
    });
  }
});
