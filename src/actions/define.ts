import type { ApplyResult, PlanResult, VerifyResult } from "../domain/outcome.ts";

/** What the engine hands every action besides its parameters and capabilities. */
export interface StepContext<Caps> {
  caps: Caps;
  /** Stable for the step across every attempt and every worker: run id + action key. */
  idempotencyKey: string;
  runId: string;
  actionKey: string;
  attempt: number;
  /** True when an earlier attempt was interrupted while applying: `plan` must find out what it left behind. */
  inDoubt: boolean;
  /** Aborted when this worker has lost its lease: stop, another worker owns the step now. */
  signal: AbortSignal;
  /** When the run was due to start: what an offboarding's verification measures sessions against. */
  runStartAt: Date;
  /** When this attempt was claimed: a change verified after it was made by this attempt, not before. */
  attemptStartedAt: Date;
  /** Data a finished dependency reported (e.g. the id of the user it created). */
  output(depKey: string): Record<string, unknown> | undefined;
}

export interface ActionDefinition<Params, Caps> {
  type: string;
  plan(params: Params, ctx: StepContext<Caps>): Promise<PlanResult>;
  apply(params: Params, ctx: StepContext<Caps>): Promise<ApplyResult>;
  verify(params: Params, ctx: StepContext<Caps>): Promise<VerifyResult>;
  /** How long `verify` may keep failing (eventual consistency) before the step fails. */
  verifyDeadlineMs?: number;
}

export function defineAction<Params, Caps>(
  type: string,
  impl: Omit<ActionDefinition<Params, Caps>, "type">,
): ActionDefinition<Params, Caps> {
  return { type, ...impl };
}

/** Actions by type; the worker is given one, never reaches for a global registry. */
export type ActionCatalog<Caps> = ReadonlyMap<string, ActionDefinition<never, Caps>>;

export function catalog<Caps>(...defs: ActionDefinition<never, Caps>[]): ActionCatalog<Caps> {
  return new Map(defs.map((d) => [d.type, d]));
}
