import { text } from "node:stream/consumers";
import type { CliContext } from "./commands/context.ts";
import { runCli } from "./program.ts";
import { connect } from "./runtime.ts";
import { quietOnClosedPipe } from "./stdout.ts";

const ctx: CliContext = {
  env: process.env,
  actor: process.env.LIFECYCLE_ACTOR || process.env.USER || "cli",
  out: quietOnClosedPipe(process.stdout),
  err: quietOnClosedPipe(process.stderr),
  setExitCode: () => undefined,
  connect: (opts) => connect(process.env, opts),
  readStdin: () => text(process.stdin),
};

const code = await runCli(process.argv.slice(2), ctx);
// Long-running commands (start, worker) keep the process alive through their servers and timers.
if (code !== 0) process.exit(code);
process.exitCode = code;
