import { Command } from "commander";
import { parseClient } from "../../composition/index.ts";
import { CliError, exitCodes } from "../api.ts";
import { renderClients } from "../render.ts";
import type { CliContext } from "./context.ts";
import { readWorkflowFile } from "./workflows.ts";

export function clientsCommand(ctx: CliContext): Command {
  const clients = new Command("clients").description("the MSP's client companies and their configuration");
  clients
    .command("list")
    .option("--json")
    .action(async (o: { json?: boolean }) => {
      const api = await ctx.connect({ worker: false });
      try {
        const list = await api.listClients();
        ctx.out(o.json ? JSON.stringify(list, null, 2) : renderClients(list));
      } finally {
        await api.close();
      }
    });
  clients
    .command("show <id>")
    .option("--json", "accepted for symmetry: a configuration always prints as JSON")
    .action(async (id: string) => {
      const api = await ctx.connect({ worker: false });
      try {
        ctx.out(JSON.stringify(await api.getClient(id), null, 2));
      } finally {
        await api.close();
      }
    });
  clients
    .command("import <file>")
    .description(
      "add or replace clients from a JSON or YAML file (one config or a list); all are validated before any is stored; through the server when one runs",
    )
    .option("--json")
    .action(async (file: string, o: { json?: boolean }) => {
      const raw = readWorkflowFile(file);
      const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
      const parsed = list.map((c) => parseClient(c));
      const errors = parsed.flatMap((p, i) =>
        p.ok
          ? []
          : p.errors.map((e) => ({
              field: list.length > 1 ? `[${i}].${e.field}` : e.field,
              message: e.message,
            })),
      );
      if (errors.length)
        throw new CliError(
          `${file} has invalid client configuration; nothing was stored`,
          exitCodes.invalid,
          errors,
        );
      const valid = parsed.flatMap((p) => (p.ok ? [p.value] : []));
      // The server, when one runs on this data folder, stores them: it holds the store, and keeps running.
      const api = await ctx.connect({ worker: false });
      const saved: { id: string; created: boolean }[] = [];
      try {
        for (const config of valid) {
          try {
            const { created } = await api.saveClient(config, ctx.actor);
            saved.push({ id: config.id, created });
          } catch (err) {
            if (saved.length && err instanceof CliError)
              throw new CliError(
                `${err.message} (client ${config.id}; ${saved.map((c) => c.id).join(", ")} had been stored)`,
                err.exitCode,
                err.fields,
                err.code,
              );
            throw err;
          }
        }
      } finally {
        await api.close();
      }
      ctx.out(
        o.json
          ? JSON.stringify({ imported: saved }, null, 2)
          : saved.map((c) => `${c.created ? "added" : "replaced"} client ${c.id}`).join("\n"),
      );
    });
  return clients;
}
