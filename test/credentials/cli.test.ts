import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type { LifecycleApi } from "../../src/cli/api.ts";
import type { CliContext } from "../../src/cli/commands/context.ts";
import { directApi } from "../../src/cli/direct-api.ts";
import { httpApi } from "../../src/cli/http-api.ts";
import { runCli } from "../../src/cli/program.ts";
import { keyring, type KeySource } from "../../src/credentials/keys.ts";
import { readCredential } from "../../src/credentials/repo.ts";
import { signedInServer } from "../support/signed-in.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";

const secret = "Xy8Q~cli-secret-value";
const appCredential = JSON.stringify({
  clientId: "c0ffee00-a0e1-4c1f-9e2d-5a6b7c8d9e0f",
  clientSecret: secret,
});

describe("lifecycle credentials", () => {
  let store: Store;
  let server: Awaited<ReturnType<typeof signedInServer>>;
  let serverUrl: string;
  const ring = keyring(randomBytes(32));
  const keys: KeySource = () => ring;

  before(async () => {
    store = await openStore({});
    server = await signedInServer({ store, keys });
    await server.listen({ port: 0, host: "127.0.0.1" });
    serverUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await server.close();
    await store.close();
  });

  for (const mode of ["direct", "http"] as const) {
    const api = (): LifecycleApi =>
      mode === "direct"
        ? { ...directApi(store, { keys }), close: async () => undefined }
        : httpApi(serverUrl, server.token);
    const cli = async (stdin: string | undefined, ...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const ctx: CliContext = {
        env: {},
        actor: "tech@msp.example",
        out: (t) => out.push(t),
        err: (t) => err.push(t),
        setExitCode: () => undefined,
        connect: async () => api(),
        ...(stdin === undefined ? {} : { readStdin: async () => stdin }),
      };
      const code = await runCli(argv, ctx);
      return { code, out: out.join("\n"), err: err.join("\n") };
    };
    const ref = `${mode}/microsoft-app`;

    describe(`through the ${mode === "direct" ? "store" : "server"}`, () => {
      test("set reads the secret from standard input and stores it sealed", async () => {
        const res = await cli(appCredential, "credentials", "set", ref);
        assert.equal(res.code, 0, res.err);
        assert.equal(res.out, `stored ${ref} (microsoft-app)`);
        assert.equal(
          ((await readCredential(store, keys, ref))?.value as { clientSecret: string }).clientSecret,
          secret,
        );
      });

      test("list shows references, kinds and times, never values", async () => {
        const text = await cli(undefined, "credentials", "list");
        assert.equal(text.code, 0, text.err);
        assert.match(text.out, new RegExp(`^${ref}\\tmicrosoft-app\\t\\d{4}-\\d\\d-\\d\\dT`, "m"));
        const asJson = await cli(undefined, "credentials", "list", "--json");
        assert.ok((JSON.parse(asJson.out) as { ref: string }[]).some((c) => c.ref === ref));
        assert.doesNotMatch(text.out + asJson.out, /cli-secret/);
      });

      test("bad input is refused naming the field, without echoing the secret, and nothing is stored", async () => {
        const bad = await cli(
          JSON.stringify({ clientId: "nope", clientSecret: secret }),
          "credentials",
          "set",
          `${ref}-bad`,
        );
        assert.equal(bad.code, 2);
        assert.match(bad.err, /clientId/);
        assert.doesNotMatch(bad.err + bad.out, /cli-secret/);
        const notJson = await cli(`{"clientSecret": "${secret}"`, "credentials", "set", `${ref}-bad`);
        assert.equal(notJson.code, 2);
        assert.match(notJson.err, /not JSON/);
        assert.doesNotMatch(notJson.err, /cli-secret/);
        assert.equal((await cli("", "credentials", "set", `${ref}-bad`)).code, 2);
        assert.equal(await readCredential(store, keys, `${ref}-bad`), undefined);
      });

      test("remove deletes it; removing it again is not found", async () => {
        assert.equal((await cli(undefined, "credentials", "remove", ref)).code, 0);
        assert.equal(await readCredential(store, keys, ref), undefined);
        const again = await cli(undefined, "credentials", "remove", ref);
        assert.equal(again.code, 3);
        assert.match(again.err, /no credential/);
      });
    });
  }

  test("the secret cannot be given as an argument", async () => {
    const res = await runCli(["credentials", "set", "acme/microsoft-app", appCredential], {
      env: {},
      actor: "t",
      out: () => undefined,
      err: () => undefined,
      setExitCode: () => undefined,
      connect: async () => directApi(store, { keys }),
    });
    assert.equal(res, 2);
  });
});
