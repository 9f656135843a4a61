import type { ActionCatalog } from "../actions/define.ts";
import type { ClientConfig } from "../domain/client.ts";
import type { Plan, PlanFinding } from "../domain/plan.ts";
import { failAll, ok, type FieldError, type Result } from "../domain/result.ts";
import { isStepRef } from "../domain/step-ref.ts";
import { portWords, type Capabilities, type PortName } from "../ports/index.ts";
import type { Request } from "../requests/index.ts";
import { holds } from "../workflows/conditions.ts";
import type { Condition, WorkflowDefinition, WorkflowStep } from "../workflows/definition.ts";
import { derivations } from "../workflows/derivations/index.ts";
import { evaluate, type Scope } from "../workflows/expressions.ts";
import { validatePlanGraph } from "./dag.ts";
import type { LiveState } from "./live-state.ts";
import { PlanBuilder, type PlanSystems } from "./plan-builder.ts";

export interface PlanInput {
  request: Request;
  client: ClientConfig;
  live: LiveState;
  systems: PlanSystems;
  /** Where a step that names no port finds its action's ports. */
  catalog: ActionCatalog<Capabilities>;
}

export interface PlanOutput {
  plan: Plan;
  findings: PlanFinding[];
}

async function derive(
  def: WorkflowDefinition,
  input: PlanInput,
): Promise<Result<{ derived: Record<string, unknown>; findings: PlanFinding[] }>> {
  const named = Object.entries(derivations[def.kind]);
  const results = await Promise.all(named.map(([, d]) => d.compute(input)));
  const errors = results.flatMap((r) => (r.ok ? [] : r.errors));
  if (errors.length) return failAll(errors);
  const derived: Record<string, unknown> = {};
  const findings: PlanFinding[] = [];
  for (const [i, [name]] of named.entries()) {
    const r = results[i];
    if (!r?.ok) continue;
    derived[name] = r.value.value;
    findings.push(...(r.value.findings ?? []));
  }
  return ok({ derived, findings });
}

/** The port whose system runs a step: the one it names, or its action's only port. */
function portOf(step: WorkflowStep, catalog: ActionCatalog<Capabilities>): PortName | undefined {
  if (step.on) return step.on;
  const action = catalog.get(step.action);
  return action?.ports.length === 1 ? (action.ports[0] as PortName) : undefined;
}

/** The systems a condition asks for (`serves`, alone or in an `all`) that the client lacks. */
function unservedIn(cond: Condition, serves: (port: PortName) => boolean): PortName[] {
  if ("serves" in cond) return serves(cond.serves) ? [] : [cond.serves];
  if ("all" in cond) return cond.all.flatMap((c) => unservedIn(c, serves));
  return [];
}

/**
 * The steps left out because the client has no system for them, one finding per port: a run without an
 * RMM says so instead of saying nothing about it.
 */
function leftOutFindings(client: ClientConfig, leftOut: Map<PortName, string[]>): PlanFinding[] {
  // A client with no systems yet has its own warning (the step-coverage check).
  if (Object.keys(client.systems).length === 0) return [];
  return [...leftOut].map(([port, titles]) => ({
    field: "client.systems",
    severity: "info",
    message: `none of ${client.displayName}'s systems provides ${portWords[port]}, so these steps are not part of the run: ${[...new Set(titles)].join("; ")}`,
  }));
}

function holdsStepRef(value: unknown): boolean {
  if (isStepRef(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  return Object.values(value).some(holdsStepRef);
}

const keyText = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/**
 * A workflow definition made into a plan for one request: each step whose `when` holds becomes one plan
 * step (or one per item of its `forEach`), its values evaluated, its `after` edges to the steps that were
 * planned. Planned steps' params are checked against their action's schema, so a definition that would
 * fail at run time is refused now, naming the step.
 */
export async function planWorkflow(def: WorkflowDefinition, input: PlanInput): Promise<Result<PlanOutput>> {
  const { request, client, systems, catalog } = input;
  const derivedResult = await derive(def, input);
  if (!derivedResult.ok) return derivedResult;
  const { derived, findings } = derivedResult.value;
  const b = new PlanBuilder(client, systems);
  const keysOf = new Map<string, string[]>();
  const errors: FieldError[] = [];
  const serves = (port: PortName) => systems.servedBy(port) !== undefined;
  const leftOut = new Map<PortName, string[]>();
  for (const step of def.steps) {
    const base: Scope = {
      request,
      client,
      vars: client.variables,
      derived,
      plan: { before: b.plan().actions.map(({ key, type, params }) => ({ key, type, params })) },
    };
    keysOf.set(step.id, []);
    if (step.when && !holds(step.when, base, serves)) {
      const title = step.forEach === undefined ? String(evaluate(step.title, base)) : step.id;
      for (const port of unservedIn(step.when, serves))
        leftOut.set(port, [...(leftOut.get(port) ?? []), title]);
      continue;
    }
    const field = `steps.${step.id}`;
    const port = portOf(step, catalog);
    if (!port) {
      errors.push({
        field: `${field}.on`,
        message: `is required: say which port's system runs ${step.action}`,
      });
      continue;
    }
    const items = step.forEach === undefined ? [undefined] : evaluate(step.forEach, base);
    if (!Array.isArray(items)) {
      errors.push({ field: `${field}.forEach`, message: `is not a list here (${keyText(items)})` });
      continue;
    }
    const deps =
      step.after === "all" ? b.keys() : [...new Set(step.after.flatMap((id) => keysOf.get(id) ?? []))];
    for (const item of items) {
      const scope: Scope = step.forEach === undefined ? base : { ...base, item };
      const key = step.key
        ? keyText(evaluate(step.key, scope))
        : step.forEach === undefined
          ? step.id
          : `${step.id}:${keyText(item)}`;
      const params = evaluate(step.params, scope) as Record<string, unknown>;
      const action = catalog.get(step.action);
      if (!action) {
        errors.push({
          field: `${field}.action`,
          message: `"${step.action}" is not an action in the catalogue`,
        });
        continue;
      }
      // A value another step reports is known only at run time: the engine checks those params then.
      if (!holdsStepRef(params)) {
        const parsed = action.params.safeParse(params);
        if (!parsed.success)
          for (const issue of parsed.error.issues)
            errors.push({
              field: [field, "params", ...issue.path.map(String)].join("."),
              message: `${issue.message} (planned as ${key})`,
            });
      }
      b.add({
        key,
        type: step.action,
        title: String(evaluate(step.title, scope)),
        port,
        params,
        deps,
        required: step.required,
        priority: step.priority,
        always: step.always,
        beforeApproval: step.beforeApproval,
        maxAttempts: step.maxAttempts,
      });
      keysOf.get(step.id)?.push(key);
    }
  }
  const plan: Plan = {
    ...b.plan(),
    workflow: { id: def.id, version: def.version, ...(def.extends ? { extends: def.extends } : {}) },
  };
  errors.push(...validatePlanGraph(plan));
  return errors.length
    ? failAll(errors)
    : ok({ plan, findings: [...findings, ...leftOutFindings(client, leftOut)] });
}
