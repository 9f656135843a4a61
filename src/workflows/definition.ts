import { z } from "zod";
import { portNames } from "../ports/index.ts";

/**
 * A workflow as data: what the planner interprets against a request, the client's config and what the
 * client's systems say now. Values in `params`, `title`, `key` and `forEach` are expressions: a string
 * that is exactly `${path}` is the value at that path (any type), a string with `${path}` inside is text
 * with those values put in, anything else is itself; objects and arrays are walked. Paths start at
 * `request`, `client`, `vars` (the client's variables), `derived` (the named derivations), `item` (inside
 * `forEach`), `plan.before` (the steps planned before this one) or `steps.<id>.data` (what an earlier
 * step reported; resolved when the step runs, so `<id>` must be one it comes after).
 */

export const workflowKinds = ["onboard", "offboard"] as const;
export type WorkflowKind = (typeof workflowKinds)[number];

const stepIdPattern = /^[a-z][a-z0-9-]{0,62}$/;
export const stepId = z.string().regex(stepIdPattern, {
  error: "must be a step id: lowercase letters, digits and hyphens, starting with a letter",
});

const portName = z.enum(portNames, { error: `must be a port: one of ${portNames.join(", ")}` });

/** A path or expression string as a condition operand or a `forEach`: `${request.department}`. */
const expression = z.unknown();

export type Condition =
  | { equals: [unknown, unknown] }
  | { in: [unknown, unknown] }
  | { present: string }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { serves: (typeof portNames)[number] };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union(
    [
      z.strictObject({ equals: z.tuple([expression, expression]) }),
      z.strictObject({ in: z.tuple([expression, expression]) }),
      z.strictObject({ present: z.string().min(1) }),
      z.strictObject({ all: z.array(conditionSchema).min(1) }),
      z.strictObject({ any: z.array(conditionSchema).min(1) }),
      z.strictObject({ not: conditionSchema }),
      z.strictObject({ serves: portName }),
    ],
    { error: "must be one condition: equals, in, present, all, any, not or serves" },
  ),
) as z.ZodType<Condition>;

const stepFields = {
  /** Catalogue type of the action, e.g. "groups.add-member". */
  action: z.string().min(1).max(100),
  title: z.string().min(1).max(300),
  /** The port whose system runs the step (its rate bucket); the action's first port when absent. */
  on: portName.optional(),
  params: z.record(z.string(), z.unknown()).default({}),
  /** Step ids this one waits for, or "all": every step listed before it. */
  after: z.union([z.array(stepId), z.literal("all")]).default([]),
  when: conditionSchema.optional(),
  /** An expression giving a list: one plan step per item, each keyed `<id>:<item>` unless `key` says. */
  forEach: z.string().min(1).optional(),
  /** The plan step's key, as an expression; the step id (or `<id>:<item>`) when absent. */
  key: z.string().min(1).max(300).optional(),
  required: z.boolean().default(true),
  /**
   * Runs once the steps it comes after have finished, however they ended, instead of being blocked by a
   * failure: for what reports on the run (the ticket's final log).
   */
  always: z.boolean().default(false),
  /** Runs without waiting for the run's approval: only for steps that record (the ticket and its plan). */
  beforeApproval: z.boolean().default(false),
  /**
   * How many attempts a transient failure gets (the engine's default when absent); the backoff doubles up
   * to its cap, so a high number waits out a long outage of a system nothing else depends on.
   */
  maxAttempts: z.int().min(1).max(1000).optional(),
  /** Higher runs first when several are ready: lock-out before clean-up. */
  priority: z.int().min(-1000).max(1000).default(0),
};

export const workflowStepSchema = z.strictObject({ id: stepId, ...stepFields });
export type WorkflowStep = z.output<typeof workflowStepSchema>;
export type WorkflowStepInput = z.input<typeof workflowStepSchema>;

/** What a patch may change of a step: anything but its id. `params` merge key by key; `null` removes one. */
export const stepPatchSchema = z.strictObject({
  action: stepFields.action.optional(),
  title: stepFields.title.optional(),
  on: portName.optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  after: z.union([z.array(stepId), z.literal("all")]).optional(),
  when: z.union([conditionSchema, z.null()]).optional(),
  forEach: z.union([z.string().min(1), z.null()]).optional(),
  key: z.union([z.string().min(1).max(300), z.null()]).optional(),
  required: z.boolean().optional(),
  always: z.boolean().optional(),
  beforeApproval: z.boolean().optional(),
  maxAttempts: z.union([z.int().min(1).max(1000), z.null()]).optional(),
  // Not `stepFields.priority.optional()`: its default would reset the priority of every step patched.
  priority: z.int().min(-1000).max(1000).optional(),
});
export type StepPatch = z.output<typeof stepPatchSchema>;

const definitionId = z.string().regex(/^[a-z][a-z0-9-]*(?::[a-z0-9][a-z0-9-]*)+$/, {
  error: 'must be an id such as "builtin:onboard" or "client:acme:onboard"',
});

export const workflowDefinitionSchema = z.strictObject({
  id: definitionId,
  version: z.int().min(1),
  kind: z.enum(workflowKinds),
  title: z.string().max(200).optional(),
  /** For a client's workflow: the built-in it extends, as `id@version`. */
  extends: z.string().optional(),
  steps: z.array(workflowStepSchema).min(1).max(500),
});
export type WorkflowDefinition = z.output<typeof workflowDefinitionSchema>;

/** `builtin:onboard@1` → its parts. */
export const definitionRef = z.string().regex(/^[a-z][a-z0-9-]*(?::[a-z0-9][a-z0-9-]*)+@[1-9][0-9]*$/, {
  error: 'must name a definition and its version, such as "builtin:onboard@1"',
});

/**
 * A client's own workflow: a built-in with steps removed, added or patched. Reordering is an edit of
 * `after`. What a client stores, exports and imports; each save is a new version.
 */
export const workflowOverlaySchema = z.strictObject({
  kind: z.enum(workflowKinds),
  extends: definitionRef,
  remove: z.array(stepId).default([]),
  add: z.array(workflowStepSchema).default([]),
  patch: z.record(stepId, stepPatchSchema).default({}),
});
export type WorkflowOverlay = z.output<typeof workflowOverlaySchema>;
export type WorkflowOverlayInput = z.input<typeof workflowOverlaySchema>;

/** Which definition and version a run was planned with: part of the plan and of its hash. */
export interface WorkflowPin {
  id: string;
  version: number;
  /** The built-in a client's workflow extends, as `id@version`. */
  extends?: string;
}
