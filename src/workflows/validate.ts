import type { z } from "zod";
import type { ActionCatalog } from "../actions/define.ts";
import type { ClientConfig } from "../domain/client.ts";
import type { FieldError } from "../domain/result.ts";
import { findCycle } from "../domain/graph.ts";
import type { Capabilities } from "../ports/index.ts";
import { conditionOperands } from "./conditions.ts";
import type { WorkflowDefinition, WorkflowStep } from "./definition.ts";
import { derivations } from "./derivations/index.ts";
import { expressionRoots, malformedIn, pathsIn } from "./expressions.ts";
import { anyShape, clientShape, requestShapes, sampleOf, shapeAt, type Shape } from "./shapes.ts";

export interface ValidateOptions {
  catalog: ActionCatalog<Capabilities>;
  /** The client whose workflow it is: its variables are then the only ones a step may name. */
  client?: ClientConfig;
}

interface PathContext {
  def: WorkflowDefinition;
  step: WorkflowStep;
  ids: Set<string>;
  forEachIds: Set<string>;
  client?: ClientConfig;
}

/** What the path leads to, or why it leads nowhere. */
function resolvePath(path: string, ctx: PathContext): { shape: Shape } | { problem: string } {
  const [root, ...rest] = path.split(".");
  const none = (what: string) => ({ problem: `\${${path}}: ${what}` });
  switch (root) {
    case "request": {
      const shape = shapeAt(requestShapes[ctx.def.kind], rest);
      return shape ? { shape } : none(`the ${ctx.def.kind} request has no field ${rest.join(".")}`);
    }
    case "client": {
      const shape = shapeAt(clientShape, rest);
      return shape ? { shape } : none(`a client's config has no field ${rest.join(".")}`);
    }
    case "vars": {
      const [name, ...more] = rest;
      if (!name) return { shape: { type: "record", of: { type: "string" } } };
      if (ctx.client && !Object.hasOwn(ctx.client.variables, name))
        return none(`the client has no variable "${name}"`);
      return more.length ? none("a variable is text and has no fields") : { shape: { type: "string" } };
    }
    case "derived": {
      const [name, ...more] = rest;
      const known = derivations[ctx.def.kind];
      if (!name || !Object.hasOwn(known, name))
        return none(`no derivation "${name ?? ""}": one of ${Object.keys(known).join(", ")}`);
      const shape = shapeAt(known[name]?.shape ?? anyShape, more);
      return shape ? { shape } : none(`derived.${name} has no field ${more.join(".")}`);
    }
    case "item":
      return ctx.step.forEach ? { shape: anyShape } : none("item is only there in a step with forEach");
    case "plan":
      return rest.join(".") === "before"
        ? { shape: { type: "list", of: anyShape } }
        : none("plan has only before");
    case "steps": {
      const [id, data] = rest;
      if (!id || !ctx.ids.has(id)) return none(`there is no step "${id ?? ""}"`);
      if (data !== "data") return none(`a step's output is steps.${id}.data.<field>`);
      const before = ctx.def.steps.findIndex((s) => s.id === id) < ctx.def.steps.indexOf(ctx.step);
      if (ctx.step.after === "all" ? !before : !ctx.step.after.includes(id))
        return none(`"${ctx.step.id}" must come after "${id}" to use what it reports`);
      if (ctx.forEachIds.has(id)) return none(`"${id}" has forEach: it has no single output`);
      return { shape: anyShape };
    }
    default:
      return none(`paths start at one of ${expressionRoots.join(", ")}`);
  }
}

function checkExpressions(value: unknown, field: string, ctx: PathContext, errors: FieldError[]): void {
  for (const bad of malformedIn(value))
    errors.push({ field: join(field, bad.where), message: `${bad.raw} is not a \${path} expression` });
  for (const ref of pathsIn(value)) {
    const resolved = resolvePath(ref.path, ctx);
    if ("problem" in resolved) errors.push({ field: join(field, ref.where), message: resolved.problem });
  }
}

const join = (field: string, where: string) => (where ? `${field}.${where}` : field);

const unknownValue = Symbol("unknown");

/**
 * A stand-in for the params as the step will get them: literals as written, a whole expression as a
 * value of its field's type (or unknown), text with expressions as text. Trying the action's schema on it
 * finds a missing parameter, a literal of the wrong type, and an expression of the wrong type.
 */
function probe(value: unknown, ctx: PathContext): unknown {
  if (typeof value === "string") {
    const refs = pathsIn(value);
    if (refs.length === 1 && refs[0]?.whole) {
      const resolved = resolvePath(refs[0].path, ctx);
      if ("problem" in resolved) return unknownValue;
      const sample = sampleOf(resolved.shape);
      return sample === undefined ? unknownValue : { [unknownValue]: true, sample };
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => probe(v, ctx));
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, probe(v, ctx)]));
  return value;
}

type Probed = { [unknownValue]: true; sample: unknown };
const isSample = (v: unknown): v is Probed =>
  typeof v === "object" && v !== null && unknownValue in (v as object);

/** The probe as the schema sees it, and which paths came from expressions. */
function materialise(value: unknown, path: string[], fromExpr: Map<string, "unknown" | "typed">): unknown {
  if (value === unknownValue) {
    fromExpr.set(path.join("."), "unknown");
    return undefined;
  }
  if (isSample(value)) {
    fromExpr.set(path.join("."), "typed");
    return value.sample;
  }
  if (Array.isArray(value)) return value.map((v, i) => materialise(v, [...path, String(i)], fromExpr));
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, materialise(v, [...path, k], fromExpr)]),
    );
  return value;
}

function checkParams(step: WorkflowStep, schema: z.ZodType, ctx: PathContext, errors: FieldError[]): void {
  const fromExpr = new Map<string, "unknown" | "typed">();
  const params = materialise(probe(step.params, ctx), [], fromExpr) as Record<string, unknown>;
  const parsed = schema.safeParse(params);
  if (parsed.success) return;
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String);
    const origin = [...fromExpr].find(
      ([p]) => p === path.join(".") || path.join(".").startsWith(`${p}.`),
    )?.[1];
    // An expression's value is known only when planning; its type is known now, its content is not.
    if (origin === "unknown") continue;
    if (origin === "typed" && issue.code !== "invalid_type") continue;
    const missing =
      issue.code === "invalid_type" && path.length === 1 && !Object.hasOwn(step.params, path[0] as string);
    errors.push({
      field: ["steps", step.id, "params", ...path].join("."),
      message: missing
        ? `is required by ${step.action}`
        : `${issue.message}${origin === "typed" ? " (from its expression's field)" : ""}`,
    });
  }
}

/**
 * Everything wrong with a definition, each naming the step and field: an unknown action or port, a
 * missing or ill-typed parameter, an expression on a field that does not exist, an `after` on a step that
 * is not there, a cycle, a condition on an unknown field.
 */
export function validateWorkflow(def: WorkflowDefinition, opts: ValidateOptions): FieldError[] {
  const errors: FieldError[] = [];
  const ids = new Set<string>();
  for (const [i, step] of def.steps.entries()) {
    if (ids.has(step.id))
      errors.push({ field: `steps.${i}.id`, message: `"${step.id}" is used by two steps` });
    ids.add(step.id);
  }
  const forEachIds = new Set(def.steps.filter((s) => s.forEach).map((s) => s.id));
  for (const step of def.steps) {
    const field = `steps.${step.id}`;
    const ctx: PathContext = { def, step, ids, forEachIds, ...(opts.client ? { client: opts.client } : {}) };
    const action = opts.catalog.get(step.action);
    if (!action) {
      errors.push({
        field: `${field}.action`,
        message: `"${step.action}" is not an action in the catalogue`,
      });
    } else {
      const ports = [...action.ports, ...action.optionalPorts].map(String);
      if (step.on && !ports.includes(step.on))
        errors.push({
          field: `${field}.on`,
          message: `${step.action} does not use ${step.on}: one of ${ports.join(", ")}`,
        });
      if (!step.on && action.ports.length !== 1)
        errors.push({
          field: `${field}.on`,
          message: `is required: ${step.action} uses ${ports.join(", ")}; say which port's system runs it`,
        });
      checkParams(step, action.params, ctx, errors);
    }
    if (step.after !== "all")
      for (const [j, dep] of step.after.entries()) {
        if (!ids.has(dep))
          errors.push({ field: `${field}.after.${j}`, message: `there is no step "${dep}"` });
        else if (dep === step.id)
          errors.push({ field: `${field}.after.${j}`, message: "a step cannot come after itself" });
      }
    checkExpressions(step.params, `${field}.params`, ctx, errors);
    checkExpressions(step.title, `${field}.title`, ctx, errors);
    if (step.key) checkExpressions(step.key, `${field}.key`, ctx, errors);
    if (step.forEach) {
      checkExpressions(step.forEach, `${field}.forEach`, ctx, errors);
      const [only] = pathsIn(step.forEach);
      const resolved = only?.whole ? resolvePath(only.path, ctx) : undefined;
      if (!resolved)
        errors.push({ field: `${field}.forEach`, message: "must be one ${path} expression giving a list" });
      else if ("shape" in resolved && !["list", "any"].includes(resolved.shape.type))
        errors.push({
          field: `${field}.forEach`,
          message: `${step.forEach} is a ${resolved.shape.type}, not a list`,
        });
    }
    if (step.when)
      for (const operand of conditionOperands(step.when, `${field}.when`)) {
        if (operand.path) {
          const path = String(operand.value).replace(/^\$\{\s*|\s*\}$/g, "");
          const resolved = resolvePath(path, ctx);
          if ("problem" in resolved) errors.push({ field: operand.where, message: resolved.problem });
        } else checkExpressions(operand.value, operand.where, ctx, errors);
      }
  }
  if (!errors.some((e) => e.field.includes(".after."))) {
    const order = def.steps.map((s) => s.id);
    const cycle = findCycle(
      new Map(def.steps.map((s, i) => [s.id, s.after === "all" ? order.slice(0, i) : s.after])),
    );
    if (cycle)
      errors.push({
        field: `steps.${cycle[0]}.after`,
        message: `the steps wait for each other in a cycle: ${cycle.join(" -> ")}`,
      });
  }
  // One problem per field: a malformed expression is not also reported as the wrong value.
  return errors.filter((e, i) => errors.findIndex((f) => f.field === e.field) === i);
}
