import { Command, CommanderError } from "commander";
import type { FieldError } from "../domain/result.ts";
import type { ErrorCode } from "../server/errors.ts";
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

/** Whether the command line asks for JSON: then a failure is JSON on stdout too, for the script reading it. */
const wantsJson = (argv: string[]): boolean => {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).includes("--json");
};

/** The API's error body: `{ error: { code, message, fields? } }`, so a script reads one shape either way. */
export function errorJson(code: ErrorCode, message: string, fields: FieldError[] = []): string {
  return JSON.stringify({ error: { code, message, ...(fields.length ? { fields } : {}) } }, null, 2);
}

const camel = (flag: string) =>
  flag.replace(/^-+/, "").replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The option or argument commander's message is about ("option '--limit <n>' argument '0' is invalid"). */
function commanderFields(err: CommanderError): FieldError[] {
  const message = err.message.replace(/^error: /, "");
  const named = /option '(--?[\w-]+)/.exec(message)?.[1] ?? /argument '([\w-]+)'/.exec(message)?.[1];
  return named ? [{ field: camel(named), message }] : [];
}

/** Runs one command line; returns the exit code instead of exiting, so tests can call it in-process. */
export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  let code: number = exitCodes.ok;
  const withCode: CliContext = { ...ctx, setExitCode: (c) => (code = c) };
  const json = wantsJson(argv);
  try {
    await buildProgram(withCode).parseAsync(argv, { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0;
      // commander has said it on stderr already.
      // A command named without its subcommand has had its help shown on stderr in place of a message.
      const message =
        err.code === "commander.help" ? "name a subcommand (they are listed on stderr)" : err.message;
      if (json)
        ctx.out(errorJson("LC_ERR_VALIDATION", message.replace(/^error: /, ""), commanderFields(err)));
      return exitCodes.invalid;
    }
    if (err instanceof CliError) {
      ctx.err(`error: ${err.message}`);
      // A flag's error already says which flag; its field is for --json.
      for (const f of err.fields) if (f.message !== err.message) ctx.err(`  ${f.field}: ${f.message}`);
      if (json) ctx.out(errorJson(err.code, err.message, err.fields));
      return err.exitCode;
    }
    ctx.err(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    // The stack is for the person on stderr; the script on stdout gets the message.
    if (json) ctx.out(errorJson("LC_ERR_INTERNAL", err instanceof Error ? err.message : String(err)));
    return exitCodes.internal;
  }
}
