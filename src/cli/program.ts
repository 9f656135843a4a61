import { Command, CommanderError } from "commander";
import { CliError, exitCodes } from "./api.ts";
import { auditCommand } from "./commands/audit.ts";
import { bulkCommand } from "./commands/bulk.ts";
import { approvalCommands, runsCommand } from "./commands/runs.ts";
import { clientsCommand } from "./commands/clients.ts";
import { credentialsCommand } from "./commands/credentials.ts";
import { linksCommand } from "./commands/links.ts";
import type { CliContext } from "./commands/context.ts";
import { offboardCommand, onboardCommand } from "./commands/requests.ts";
import { serveCommands } from "./commands/serve.ts";
import { staffCommands } from "./commands/staff.ts";
import { workflowsCommand } from "./commands/workflows.ts";

export function buildProgram(ctx: CliContext): Command {
  const program = new Command("lifecycle").description(
    "User lifecycle automation for MSPs: onboarding and offboarding that finish truthfully",
  );
  for (const cmd of [
    ...serveCommands(ctx),
    clientsCommand(ctx),
    credentialsCommand(ctx),
    workflowsCommand(ctx),
    onboardCommand(ctx),
    offboardCommand(ctx),
    bulkCommand(ctx),
    runsCommand(ctx),
    linksCommand(ctx),
    ...approvalCommands(ctx),
    auditCommand(ctx),
    ...staffCommands(ctx),
  ]) {
    program.addCommand(cmd);
  }
  // Errors must come back to runCli as exceptions at every depth, never as process.exit() from commander.
  const tame = (cmd: Command): void => {
    cmd
      .exitOverride()
      .configureOutput({ writeOut: (s) => ctx.out(s.trimEnd()), writeErr: (s) => ctx.err(s.trimEnd()) });
    cmd.commands.forEach(tame);
  };
  tame(program);
  return program;
}

/** Runs one command line; returns the exit code instead of exiting, so tests can call it in-process. */
export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  let code: number = exitCodes.ok;
  const withCode: CliContext = { ...ctx, setExitCode: (c) => (code = c) };
  try {
    await buildProgram(withCode).parseAsync(argv, { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : exitCodes.invalid;
    if (err instanceof CliError) {
      ctx.err(`error: ${err.message}`);
      for (const f of err.fields) ctx.err(`  ${f.field}: ${f.message}`);
      return err.exitCode;
    }
    ctx.err(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return exitCodes.internal;
  }
}
