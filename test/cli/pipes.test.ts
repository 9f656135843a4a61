import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../bin/lifecycle.js", import.meta.url));

/** The real `lifecycle` command, its stdout read by `readOut` (which may close it at once, as head does). */
async function lifecycle(
  argv: string[],
  env: NodeJS.ProcessEnv,
  closeStdoutAtOnce = false,
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [bin, ...argv], {
    env: { ...process.env, LIFECYCLE_LOG: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  // Closed before the CLI has written a byte: every write it makes then meets EPIPE.
  if (closeStdoutAtOnce) child.stdout.destroy();
  else child.stdout.on("data", (c) => (out += String(c)));
  child.stderr.on("data", (c) => (err += String(c)));
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  return { code, out, err };
}

test("output piped to a reader that has gone (| head) ends quietly with the command's own exit code", async () => {
  const r = await lifecycle(["onboard", "--help"], {}, true);
  assert.equal(r.err, "", "no EPIPE stack");
  assert.equal(r.code, 0);
});

test("--json against a server that does not answer: LC_ERR_UNAVAILABLE on stdout, exit 5, nothing else on stdout", async () => {
  // Port 9 (discard) on loopback: nothing listens there, so the connection is refused at once.
  const r = await lifecycle(["runs", "list", "--json"], {
    LIFECYCLE_URL: "http://127.0.0.1:9",
    LIFECYCLE_TOKEN: "lct_unused",
  });
  assert.equal(r.code, 5, r.err);
  const body = JSON.parse(r.out) as { error: { code: string; message: string } };
  assert.deepEqual(Object.keys(body), ["error"]);
  assert.equal(body.error.code, "LC_ERR_UNAVAILABLE");
  assert.match(body.error.message, /cannot reach Lifecycle at http:\/\/127\.0\.0\.1:9/);
  assert.match(r.err, /^error: cannot reach Lifecycle/m, "and for the person, on stderr");
});
