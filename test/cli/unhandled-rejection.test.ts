import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const module = fileURLToPath(new URL("../../src/cli/unhandled-rejection.ts", import.meta.url));

// In its own process: the handler is process-wide, and what is under test is that the process ends.
test("an unhandled rejection is logged with its stack and the process exits non-zero (70)", async () => {
  const script = `
    const { exitOnUnhandledRejection } = await import(${JSON.stringify(module)});
    exitOnUnhandledRejection((line) => process.stderr.write(line + "\\n"));
    function lostLease() { return Promise.reject(new Error("GET /users/{upn}: abandoned")); }
    void lostLease();
    setTimeout(() => process.stdout.write("still running\\n"), 5000);
  `;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (c) => (out += String(c)));
  child.stderr.on("data", (c) => (err += String(c)));
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  assert.equal(code, 70, err);
  assert.equal(out, "");
  assert.match(err, /unhandled promise rejection/);
  assert.match(err, /Error: GET \/users\/\{upn\}: abandoned\n\s+at lostLease/);
});
