import type { WorkflowHistoryEntry, WorkflowView } from "../composition/index.ts";
import type { Condition } from "../workflows/index.ts";
import { table } from "./render.ts";

const time = (d: Date | null | undefined) =>
  d ? new Date(d).toISOString().replace("T", " ").slice(0, 19) : "";

const operand = (v: unknown) => (typeof v === "string" ? v.replace(/^\$\{(.*)\}$/, "$1") : JSON.stringify(v));

/** A condition as a technician reads it: `request.manager present`, `a = b and not (c in d)`. */
export function conditionText(c: Condition): string {
  if ("equals" in c) return `${operand(c.equals[0])} = ${operand(c.equals[1])}`;
  if ("in" in c) return `${operand(c.in[0])} in ${operand(c.in[1])}`;
  if ("present" in c) return `${c.present} present`;
  if ("all" in c)
    return c.all.map((x) => ("any" in x ? `(${conditionText(x)})` : conditionText(x))).join(" and ");
  if ("any" in c)
    return c.any.map((x) => ("all" in x ? `(${conditionText(x)})` : conditionText(x))).join(" or ");
  if ("not" in c) return `not (${conditionText(c.not)})`;
  return `serves ${c.serves}`;
}

export function renderWorkflow(w: WorkflowView): string {
  const def = w.definition;
  const head = [
    `client      ${w.client}   ${w.kind} workflow`,
    `version     ${w.version === null ? "none saved: the client runs the built-in" : `${w.version}, saved by ${w.savedBy ?? "?"} at ${time(w.savedAt)}`}`,
    `extends     ${w.extends}`,
    `definition  ${def.id}@${def.version}`,
  ];
  const rows = [
    ["STEP", "ACTION", "AFTER", "WHEN", "FOR EACH", "REQUIRED"],
    ...def.steps.map((s) => [
      s.id,
      s.action,
      s.after === "all" ? "all" : s.after.join(",") || "-",
      s.when ? conditionText(s.when) : "-",
      s.forEach ? operand(s.forEach) : "-",
      s.required ? "yes" : "no",
    ]),
  ];
  return `${head.join("\n")}\n\n${table(rows)}`;
}

export function renderWorkflowHistory(client: string, kind: string, history: WorkflowHistoryEntry[]): string {
  if (!history.length) return `${client} has no saved ${kind} workflow: it runs the built-in`;
  return table([
    ["VERSION", "SAVED BY", "SAVED AT", "EXTENDS"],
    ...history.map((h) => [String(h.version), h.savedBy, time(h.savedAt), h.extends]),
  ]);
}
