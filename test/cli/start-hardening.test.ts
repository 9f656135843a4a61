import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { exitCodes } from "../../src/cli/api.ts";
import { startLifecycle } from "../../src/cli/commands/serve.ts";
import type { CliContext } from "../../src/cli/commands/context.ts";
import { httpSettingsFromEnv, listenRefusal } from "../../src/cli/http-settings.ts";
import { runCli } from "../../src/cli/program.ts";

let parent: string;
before(() => {
  parent = mkdtempSync(join(tmpdir(), "lc-start-"));
});
after(() => rmSync(parent, { recursive: true, force: true }));

function context(env: NodeJS.ProcessEnv, err: string[]): CliContext {
  return {
    env,
    actor: "tech@msp.example",
    out: () => undefined,
    err: (t) => err.push(t),
    setExitCode: () => undefined,
    connect: () => Promise.reject(new Error("not used")),
  };
}

test("`start --host 0.0.0.0` or a LAN address over plain HTTP is refused with the fix named, before anything is opened", async () => {
  for (const [host, env] of [
    ["0.0.0.0", {}],
    ["192.168.1.10", {}],
    ["::", { LIFECYCLE_PUBLIC_URL: "http://lifecycle.msp.example" }],
    ["0.0.0.0", { LIFECYCLE_ALLOW_INSECURE_HTTP: "yes" }],
  ] as const) {
    const dataDir = join(parent, `refused-${host.replace(/[^0-9a-z]/g, "_")}`);
    const err: string[] = [];
    const code = await runCli(
      ["start", "--host", host, "--port", "0"],
      context({ ...env, LIFECYCLE_DATA_DIR: dataDir, LIFECYCLE_LOG: "0" }, err),
    );
    assert.equal(code, exitCodes.invalid, err.join("\n"));
    const said = err.join("\n");
    assert.match(said, new RegExp(`refusing to listen on ${host.replace(/\./g, "\\.")}`));
    assert.match(said, /LIFECYCLE_PUBLIC_URL=https:\/\//);
    assert.match(said, /LIFECYCLE_ALLOW_INSECURE_HTTP=1/);
    assert.equal(existsSync(dataDir), false, "no data folder was made");
  }
});

test("a non-loopback address is allowed behind an https public URL, or when insecure HTTP is asked for", () => {
  assert.equal(listenRefusal("127.0.0.1", {}), undefined);
  assert.equal(listenRefusal("localhost", {}), undefined);
  assert.equal(listenRefusal("::1", {}), undefined);
  assert.equal(
    listenRefusal("0.0.0.0", { LIFECYCLE_PUBLIC_URL: "https://lifecycle.msp.example" }),
    undefined,
  );
  assert.equal(listenRefusal("10.0.0.4", { LIFECYCLE_ALLOW_INSECURE_HTTP: "1" }), undefined);
  assert.notEqual(listenRefusal("lifecycle.lan", {}), undefined, "a name might be anywhere: refused");
});

test("settings in the environment that do not parse stop the start with the variable named", async () => {
  const err: string[] = [];
  const env = {
    LIFECYCLE_DATA_DIR: join(parent, "bad-settings"),
    LIFECYCLE_LOG: "loud",
    LIFECYCLE_TRUST_PROXY: "true",
    LIFECYCLE_ALLOWED_HOSTS: "ok.example, not/a/host",
    LIFECYCLE_PUBLIC_URL: "lifecycle.msp.example",
  };
  const code = await runCli(["start", "--port", "0"], context(env, err));
  assert.equal(code, exitCodes.invalid);
  const said = err.join("\n");
  for (const name of [
    "LIFECYCLE_LOG",
    "LIFECYCLE_TRUST_PROXY",
    "LIFECYCLE_ALLOWED_HOSTS",
    "LIFECYCLE_PUBLIC_URL",
  ])
    assert.match(said, new RegExp(`${name}: `), name);
  assert.equal(existsSync(env.LIFECYCLE_DATA_DIR), false);
});

test("the log is on unless LIFECYCLE_LOG turns it off; proxies are trusted only when named", () => {
  const parse = (env: NodeJS.ProcessEnv) => {
    const r = httpSettingsFromEnv(env);
    assert.ok(r.ok, JSON.stringify(r));
    return r.value;
  };
  assert.deepEqual(parse({}).logger, { level: "info" });
  assert.equal(parse({ LIFECYCLE_LOG: "0" }).logger, false);
  assert.deepEqual(parse({ LIFECYCLE_LOG: "warn" }).logger, { level: "warn" });
  assert.equal(parse({}).trustProxy, undefined);
  assert.equal(parse({ LIFECYCLE_TRUST_PROXY: "1" }).trustProxy, 1);
  assert.deepEqual(parse({ LIFECYCLE_TRUST_PROXY: "10.0.0.5, 10.1.0.0/16,loopback" }).trustProxy, [
    "10.0.0.5",
    "10.1.0.0/16",
    "loopback",
  ]);
  assert.deepEqual(parse({ LIFECYCLE_ALLOWED_HOSTS: " a.example ,b.example:8443," }).hosts?.extra, [
    "a.example",
    "b.example:8443",
  ]);
});

test("after `lifecycle start`, the data folder is 0700 and nothing in it, even what start writes last, is readable by others", async () => {
  const dataDir = join(parent, "started");
  const err: string[] = [];
  const { stop } = await startLifecycle(context({ LIFECYCLE_DATA_DIR: dataDir, LIFECYCLE_LOG: "0" }, err), {
    port: 0,
    host: "127.0.0.1",
    workers: false,
  });
  try {
    // Written once the server listens, after the store's folder was tightened: only the umask covers it.
    assert.ok(existsSync(join(dataDir, "server.json")));
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    const open: string[] = [];
    const walk = (path: string) => {
      const st = lstatSync(path);
      if ((st.mode & 0o077) !== 0) open.push(`${path} ${(st.mode & 0o777).toString(8)}`);
      if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    };
    walk(dataDir);
    assert.deepEqual(open, []);
  } finally {
    await stop();
  }
});
