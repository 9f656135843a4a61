import type { z } from "zod";
import type { Failure } from "../domain/errors.ts";
import type { ApplyResult, PlanResult, VerifyResult } from "../domain/outcome.ts";
import type { Ports } from "../ports/index.ts";

/** What the engine tells every attempt besides its parameters and ports. */
export interface StepInfo {
  /** Stable for the step across every attempt and every worker: run id + action key. */
  idempotencyKey: string;
  runId: string;
  actionKey: string;
  attempt: number;
  /** True when an earlier attempt was interrupted while applying: `plan` must find out what it left behind. */
  inDoubt: boolean;
  /**
   * No attempt of this step began before this one (not after a crash, a retry, a wait, nor a retried run):
   * nothing in any system carries this step's idempotency key yet, so there is no earlier write to look for.
   */
  firstAttempt: boolean;
  /** Aborted when this worker has lost its lease: stop, another worker owns the step now. */
  signal: AbortSignal;
  /** When the run was due to start: what an offboarding's verification measures sessions against. */
  runStartAt: Date;
  /** When this attempt was claimed: a change verified after it was made by this attempt, not before. */
  attemptStartedAt: Date;
  /** Data a finished dependency reported (e.g. the id of the user it created). */
  output(depKey: string): Record<string, unknown> | undefined;
}

/** What an action's plan / apply / verify are handed: the step's facts and the ports it declared. */
export interface StepContext<P> extends StepInfo {
  ports: P;
}

/** The ports an action declared: each it needs is there; each it may use might be. */
export type DeclaredPorts<All, Need extends keyof All, May extends keyof All> = Pick<All, Need> &
  Partial<Pick<All, May>>;

/** Something an offboarding's final re-read found still in place, or could not look at. */
export interface Finding {
  found: string;
  /** Waiting will not change it (nobody here is going to), so verification fails now instead of polling. */
  settled?: boolean;
}

/**
 * An offboarding action's own re-read for the final verification: does what this step took away stay
 * gone? `what` names the thing looked at, for the summary and for "not checked" when a port is missing.
 */
export interface ResidualAccess<Params, Ctx> {
  what: string;
  check(params: Params, ctx: Ctx): Promise<Finding[]>;
}

/**
 * A plan that hands its apply what it read, or an apply that hands its verify what it did: within one
 * attempt only (the engine binds a step anew for every attempt, so a later one reads the world again),
 * and never recorded (the engine sees the result without it).
 */
export type PlanHanding<H> = PlanResult | (Extract<PlanResult, { kind: "will-change" }> & { handOff: H });
export type ApplyHanding<H> = ApplyResult | (Extract<ApplyResult, { kind: "done" }> & { handOff: H });

/** A step bound to its parsed params and its ports: what the engine (or the verification) runs. */
export interface BoundStep {
  plan(): Promise<PlanResult>;
  apply(): Promise<ApplyResult>;
  verify(): Promise<VerifyResult>;
  residualAccess?: () => Promise<Finding[]>;
}

export type Binding<Caps> =
  { ok: true; step: BoundStep } | { ok: false; failure: Failure; missingPort?: keyof Caps };

/**
 * An action as the catalogue holds it, whatever its params: its type, its params schema and the ports
 * it uses (what composition checks a client against), and `bind`, which is the only way to run it.
 */
export interface Action<Caps> {
  readonly type: string;
  readonly params: z.ZodType;
  readonly ports: readonly (keyof Caps)[];
  readonly optionalPorts: readonly (keyof Caps)[];
  /** How long `verify` may keep failing (eventual consistency) before the step fails. */
  readonly verifyDeadlineMs?: number;
  /** What its residual-access check looks at; absent when it has none. */
  readonly residualAccessOf?: string;
  /** Parses the params and checks the ports: a step ready to run, or the failure naming the field or port. */
  bind(params: unknown, caps: Caps, info: StepInfo): Binding<Caps>;
}

/**
 * An action with its own types kept, so its plan / apply / verify can be called with typed params.
 * `Read` is what its plan may hand its apply, `Did` what its apply may hand its verify (see PlanHanding):
 * called directly, or in an attempt whose plan handed nothing, apply and verify get undefined and read.
 */
export interface DefinedAction<
  Schema extends z.ZodType,
  All,
  Need extends keyof All,
  May extends keyof All,
  Read = never,
  Did = never,
> extends Action<Partial<All>> {
  readonly params: Schema;
  readonly ports: readonly Need[];
  readonly optionalPorts: readonly May[];
  plan(params: z.output<Schema>, ctx: StepContext<DeclaredPorts<All, Need, May>>): Promise<PlanHanding<Read>>;
  apply(
    params: z.output<Schema>,
    ctx: StepContext<DeclaredPorts<All, Need, May>>,
    planned?: Read,
  ): Promise<ApplyHanding<Did>>;
  verify(
    params: z.output<Schema>,
    ctx: StepContext<DeclaredPorts<All, Need, May>>,
    applied?: Did,
  ): Promise<VerifyResult>;
  readonly residualAccess?: ResidualAccess<z.output<Schema>, StepContext<DeclaredPorts<All, Need, May>>>;
}

export type ActionSpec<
  Schema extends z.ZodType,
  All,
  Need extends keyof All,
  May extends keyof All,
  Read = never,
  Did = never,
> = Omit<DefinedAction<Schema, All, Need, May, Read, Did>, "bind" | "optionalPorts" | "residualAccessOf"> & {
  optionalPorts?: readonly May[];
};

function hasPorts<All, Need extends keyof All>(
  caps: Partial<All>,
  names: readonly Need[],
): caps is Partial<All> & Pick<All, Need> {
  return names.every((n) => caps[n] !== undefined);
}

const pathOf = (path: readonly PropertyKey[]) => (path.length ? path.map(String).join(".") : "(params)");

/**
 * `defineAction` for actions over another set of ports than the product's (the engine's own tests and
 * benchmarks run actions that talk to a test service).
 */
export function defineActionOver<All>() {
  return function define<
    Schema extends z.ZodType,
    Need extends keyof All,
    May extends keyof All = never,
    Read = never,
    Did = never,
  >(spec: ActionSpec<Schema, All, Need, May, Read, Did>): DefinedAction<Schema, All, Need, May, Read, Did> {
    const optionalPorts = spec.optionalPorts ?? [];
    const action: DefinedAction<Schema, All, Need, May, Read, Did> = {
      ...spec,
      optionalPorts,
      ...(spec.residualAccess ? { residualAccessOf: spec.residualAccess.what } : {}),
      bind(raw, caps, info) {
        const parsed = spec.params.safeParse(raw);
        if (!parsed.success) {
          const issues = parsed.error.issues.map((i) => `${pathOf(i.path)}: ${i.message}`).join("; ");
          return {
            ok: false,
            failure: {
              kind: "invalid",
              code: "INVALID_PARAMS",
              message: `step "${info.actionKey}" (${spec.type}) has invalid params: ${issues}`,
            },
          };
        }
        if (!hasPorts(caps, spec.ports)) {
          const missing = spec.ports.find((n) => caps[n] === undefined);
          const port = String(missing);
          return {
            ok: false,
            missingPort: missing,
            failure: {
              kind: "invalid",
              code: "NOT_CONFIGURED",
              message: `step "${info.actionKey}" (${spec.type}) needs the ${port} port: this client has no ${port} connector configured`,
            },
          };
        }
        const params = parsed.data;
        const ctx: StepContext<DeclaredPorts<All, Need, May>> = { ...info, ports: caps };
        const residual = spec.residualAccess;
        // What this attempt's plan read and its apply did, each for the phase after it.
        let planned: { read: Read } | undefined;
        let applied: { did: Did } | undefined;
        return {
          ok: true,
          step: {
            async plan() {
              const result = await spec.plan(params, ctx);
              if (!("handOff" in result)) return result;
              const { handOff, ...plan } = result;
              planned = { read: handOff };
              return plan;
            },
            async apply() {
              const result = await spec.apply(params, ctx, planned?.read);
              if (!("handOff" in result)) return result;
              const { handOff, ...done } = result;
              applied = { did: handOff };
              return done;
            },
            verify: () => spec.verify(params, ctx, applied?.did),
            ...(residual ? { residualAccess: () => residual.check(params, ctx) } : {}),
          },
        };
      },
    };
    return action;
  };
}

/**
 * One lifecycle step: its params as a zod schema (the engine parses them before `plan`), the ports it
 * needs (present in `ctx.ports`, or the step fails NOT_CONFIGURED naming the port) and those it may use.
 */
export const defineAction = defineActionOver<Ports>();

/** Actions by type; the worker is given one, never reaches for a global registry. */
export type ActionCatalog<Caps> = ReadonlyMap<string, Action<Caps>>;

export function catalog<Caps>(...defs: Action<Caps>[]): ActionCatalog<Caps> {
  return new Map(defs.map((d) => [d.type, d]));
}
