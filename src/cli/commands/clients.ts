import { readFileSync } from "node:fs";
import { Command } from "commander";
import { parseClient } from "../../composition/index.ts";
import { upsertClient } from "../../store/clients-repo.ts";
import { CliError, exitCodes } from "../api.ts";
import { openConfiguredStore } from "../runtime.ts";
import { renderClients } from "../render.ts";
import type { CliContext } from "./context.ts";

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
      "add or update clients from a JSON file (one config or a list); all are validated before any is stored",
    )
    .action(async (file: string) => {
      const raw = JSON.parse(readFileSync(file, "utf8")) as unknown;
      const list = Array.isArray(raw) ? raw : [raw];
      const parsed = list.map((c) => parseClient(c));
      const errors = parsed.flatMap((p, i) =>
        p.ok ? [] : p.errors.map((e) => ({ field: `[${i}].${e.field}`, message: e.message })),
      );
      if (errors.length)
        throw new CliError(`${file} has invalid client configuration`, exitCodes.invalid, errors);
      const opened = await openConfiguredStore(ctx.env);
      try {
        await opened.store.tx(async (sql) => {
          for (const p of parsed) if (p.ok) await upsertClient(sql, p.value);
        });
      } finally {
        await opened.store.close();
        opened.release();
      }
      ctx.out(`imported ${parsed.length} client(s)`);
    });
  return clients;
}
