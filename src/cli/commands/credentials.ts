import { Command } from "commander";
import { credentialKinds } from "../../composition/credential-kinds.ts";
import { CliError, exitCodes } from "../api.ts";
import type { CliContext } from "./context.ts";

const credentialKindNames = [...credentialKinds.keys()];

const maxSecretBytes = 64 * 1024;

async function secretFromStdin(ctx: CliContext): Promise<unknown> {
  if (!ctx.readStdin)
    throw new CliError("this command reads the secret from standard input", exitCodes.invalid);
  const text = await ctx.readStdin();
  if (!text.trim())
    throw new CliError("standard input was empty: pipe the credential's JSON in", exitCodes.invalid);
  if (Buffer.byteLength(text) > maxSecretBytes)
    throw new CliError(`the credential is over ${maxSecretBytes} bytes`, exitCodes.invalid);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The parser's message quotes the input, which is a secret: say only where to look.
    throw new CliError("standard input is not JSON", exitCodes.invalid);
  }
}

export function credentialsCommand(ctx: CliContext): Command {
  const credentials = new Command("credentials").description(
    "secrets for clients' systems, sealed in the store; configs refer to them by reference",
  );
  credentials
    .command("set <ref>")
    .description(
      "store or replace a credential, read as JSON from standard input (never an argument: shell history " +
        'keeps those), e.g. {"clientId": "…", "clientSecret": "…"}',
    )
    .option("--kind <kind>", `one of ${credentialKindNames.join(", ")}`, "microsoft-app")
    .action(async (ref: string, o: { kind: string }) => {
      const value = await secretFromStdin(ctx);
      const api = await ctx.connect({ worker: false });
      try {
        const info = await api.setCredential(ref, o.kind, value, ctx.actor);
        ctx.out(`stored ${info.ref} (${info.kind})`);
      } finally {
        await api.close();
      }
    });
  credentials
    .command("list")
    .description("references, kinds and when each was last set; never the values")
    .option("--json")
    .action(async (o: { json?: boolean }) => {
      const api = await ctx.connect({ worker: false });
      try {
        const list = await api.listCredentials();
        if (o.json) ctx.out(JSON.stringify(list, null, 2));
        else if (!list.length) ctx.out("no credentials stored");
        else for (const c of list) ctx.out(`${c.ref}\t${c.kind}\t${c.updatedAt.toISOString()}`);
      } finally {
        await api.close();
      }
    });
  credentials
    .command("remove <ref>")
    .description(
      "delete a credential; clients referring to it fail their Microsoft steps until it is set again",
    )
    .action(async (ref: string) => {
      const api = await ctx.connect({ worker: false });
      try {
        await api.removeCredential(ref, ctx.actor);
        ctx.out(`removed ${ref}`);
      } finally {
        await api.close();
      }
    });
  return credentials;
}
