import { readFileSync, writeFileSync } from "node:fs";
import { extname } from "node:path";
import { Command, Option } from "commander";
import { parseDocument, stringify } from "yaml";
import { emptyOverlay, isWorkflowKind } from "../../composition/index.ts";
import { workflowKinds, type WorkflowKind } from "../../workflows/index.ts";
import { CliError, exitCodes } from "../api.ts";
import { renderWorkflow, renderWorkflowHistory } from "../render-workflows.ts";
import type { CliContext } from "./context.ts";

type Format = "yaml" | "json";

const kindOption = () =>
  new Option("--kind <kind>", "which workflow").choices(workflowKinds as unknown as string[]);
const kindOf = (o: { kind?: string }): WorkflowKind => (o.kind as WorkflowKind | undefined) ?? "onboard";

function versionOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`--version must be a version number (1, 2, …), not "${raw}"`, exitCodes.invalid);
  return n;
}

const formatOf = (file: string): Format | undefined => {
  const ext = extname(file).toLowerCase();
  return ext === ".json" ? "json" : ext === ".yaml" || ext === ".yml" ? "yaml" : undefined;
};

/**
 * A workflow file as a person hands it over: JSON or YAML by its extension, or else by its first
 * character. Every way it can be unreadable says so, naming the file (and the line, for YAML).
 */
export function readWorkflowFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === "ENOENT" ? "there is no such file" : code === "EISDIR" ? "it is a folder" : code;
    throw new CliError(`cannot read ${file}: ${why ?? (err as Error).message}`, exitCodes.invalid);
  }
  if (!text.trim()) throw new CliError(`${file} is empty`, exitCodes.invalid);
  const format = formatOf(file) ?? (/^\s*[{[]/.test(text) ? "json" : "yaml");
  if (format === "json") {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new CliError(`${file} is not JSON: ${(err as Error).message}`, exitCodes.invalid);
    }
  }
  const doc = parseDocument(text, { prettyErrors: true });
  const [first] = doc.errors;
  if (first) throw new CliError(`${file} is not YAML: ${first.message}`, exitCodes.invalid);
  return doc.toJS() as unknown;
}

/** The kind to save under: `--kind` when given (the file must agree), else the file's own. */
function kindFor(o: { kind?: string }, input: unknown): WorkflowKind {
  if (o.kind) return kindOf(o);
  const own = (input as { kind?: unknown } | null)?.kind;
  return typeof own === "string" && isWorkflowKind(own) ? own : "onboard";
}

function serialise(value: unknown, format: Format, header: string): string {
  if (format === "json") return `${JSON.stringify(value, null, 2)}\n`;
  return `${header
    .split("\n")
    .map((l) => `# ${l}`)
    .join("\n")}\n${stringify(value, { lineWidth: 0 })}`;
}

export function workflowsCommand(ctx: CliContext): Command {
  const workflows = new Command("workflows").description(
    "a client's onboarding and offboarding workflows: the built-in, or the client's overlay on it " +
      "(steps removed, added or patched); every import is a new version",
  );

  workflows
    .command("show <client>")
    .description("the steps the client's workflow plans, and which version and built-in they come from")
    .addOption(kindOption())
    .option("--version <n>", "a saved version instead of the latest")
    .option("--json", "the effective definition as JSON")
    .action(async (client: string, o: { kind?: string; version?: string; json?: boolean }) => {
      const version = versionOf(o.version);
      const api = await ctx.connect({ worker: false });
      try {
        const w = await api.workflow(client, kindOf(o), version);
        ctx.out(o.json ? JSON.stringify(w, null, 2) : renderWorkflow(w));
      } finally {
        await api.close();
      }
    });

  workflows
    .command("export <client>")
    .description(
      "write the client's overlay as a file to edit and import (an empty one extending the built-in when " +
        "the client has none); to stdout unless --out",
    )
    .addOption(kindOption())
    .addOption(
      new Option("--format <format>", "file format; --out's extension by default").choices(["yaml", "json"]),
    )
    .option("--out <file>", "write to this file")
    .option("--version <n>", "a saved version instead of the latest")
    .option("--effective", "the whole resolved definition instead (for reading: it cannot be imported)")
    .action(
      async (
        client: string,
        o: { kind?: string; format?: Format; out?: string; version?: string; effective?: boolean },
      ) => {
        const kind = kindOf(o);
        const version = versionOf(o.version);
        const format = o.format ?? (o.out ? formatOf(o.out) : undefined) ?? "yaml";
        const api = await ctx.connect({ worker: false });
        let text: string;
        let what: string;
        try {
          if (o.effective) {
            const w = await api.workflow(client, kind, version);
            what = `${client}'s effective ${kind} workflow (${w.version === null ? w.extends : `version ${w.version}`})`;
            text = serialise(
              w.definition,
              format,
              `${what}.\nFor reading: import takes an overlay (see export without --effective).`,
            );
          } else {
            const saved = await api.workflowOverlay(client, kind, version);
            what =
              saved.version === null
                ? `${client}'s ${kind} workflow (no overlay saved: an empty one extending the built-in)`
                : `${client}'s ${kind} workflow, version ${saved.version}, saved by ${saved.savedBy ?? "?"} at ${saved.savedAt?.toISOString() ?? "?"}`;
            text = serialise(
              saved.overlay,
              format,
              `Lifecycle: ${what}.\nEdit, then: lifecycle workflows import ${client} <this file>`,
            );
          }
        } finally {
          await api.close();
        }
        if (!o.out) return ctx.out(text.trimEnd());
        try {
          writeFileSync(o.out, text);
        } catch (err) {
          throw new CliError(`cannot write ${o.out}: ${(err as Error).message}`, exitCodes.invalid);
        }
        ctx.out(`wrote ${o.out}: ${what}`);
      },
    );

  workflows
    .command("import <client> <file>")
    .description("save the overlay in a YAML or JSON file as the client's next version (validated first)")
    .addOption(kindOption())
    .action(async (client: string, file: string, o: { kind?: string }) => {
      const input = readWorkflowFile(file);
      const kind = kindFor(o, input);
      const api = await ctx.connect({ worker: false });
      try {
        const w = await api.saveWorkflow(client, kind, input, ctx.actor);
        ctx.out(`saved ${client}'s ${kind} workflow as version ${w.version ?? "?"} (extends ${w.extends})\n`);
        ctx.out(renderWorkflow(w));
      } finally {
        await api.close();
      }
    });

  workflows
    .command("validate <client> <file>")
    .description("check an overlay file as an import would, without saving it")
    .addOption(kindOption())
    .action(async (client: string, file: string, o: { kind?: string }) => {
      const input = readWorkflowFile(file);
      const kind = kindFor(o, input);
      const api = await ctx.connect({ worker: false });
      try {
        const check = await api.checkWorkflow(client, kind, input);
        if (!check.valid)
          throw new CliError(
            `${file} is not a valid ${kind} workflow for ${client}`,
            exitCodes.invalid,
            check.errors,
          );
        ctx.out(
          `${file} is a valid ${kind} workflow for ${client}: ${check.definition?.steps.length ?? 0} steps`,
        );
      } finally {
        await api.close();
      }
    });

  workflows
    .command("history <client>")
    .description("every saved version of the client's workflow, newest first, with who saved it")
    .addOption(kindOption())
    .option("--json")
    .action(async (client: string, o: { kind?: string; json?: boolean }) => {
      const kind = kindOf(o);
      const api = await ctx.connect({ worker: false });
      try {
        const history = await api.workflowHistory(client, kind);
        ctx.out(o.json ? JSON.stringify(history, null, 2) : renderWorkflowHistory(client, kind, history));
      } finally {
        await api.close();
      }
    });

  workflows
    .command("reset <client>")
    .description(
      "go back to the built-in: saves an empty overlay as a new version, so the history keeps the old ones",
    )
    .addOption(kindOption())
    .action(async (client: string, o: { kind?: string }) => {
      const kind = kindOf(o);
      const api = await ctx.connect({ worker: false });
      try {
        const w = await api.saveWorkflow(client, kind, emptyOverlay(kind), ctx.actor);
        ctx.out(
          `saved ${client}'s ${kind} workflow as version ${w.version ?? "?"}: the built-in ${w.extends} as it is`,
        );
      } finally {
        await api.close();
      }
    });

  return workflows;
}
