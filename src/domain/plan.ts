import type { Approver, PlanApproval, RequestedBy } from "./approval.ts";

/** One step of a plan as the planner emits it and the engine stores it. */
export interface PlannedAction {
  /** Unique within the plan; dependencies name it. */
  key: string;
  /** Catalogue name of the action, e.g. "identity.create-user". */
  type: string;
  title: string;
  params: Record<string, unknown>;
  deps: string[];
  /** A failed required action fails the run; a failed optional one leaves a warning. */
  required: boolean;
  /**
   * Runs once every step it comes after has finished, whatever their outcome, instead of being blocked by
   * a failure: what reports on the run (the ticket's final log) must run most when something failed.
   */
  always?: boolean;
  /**
   * Does not wait for the run's approval: a step that only records (the ticket the approver reads, with
   * the plan on it). Anything that changes a client's systems waits.
   */
  beforeApproval?: boolean;
  /** The client tenant and vendor API the step talks to: the keys of the shared limits. */
  tenant: string;
  api: string;
  /**
   * Ports this step has served by another of the client's systems than the default (port → system name).
   * Part of the plan, so an approval covers where each step goes.
   */
  bind?: Record<string, string>;
  /**
   * Which workers may claim the step: a client site's queue (`site:<client>:<site>`) is served by the agent
   * on that site's network, the only worker that can reach its on-prem directory. Absent: the default.
   */
  queue?: string;
  /**
   * Higher runs first when several are ready (lock-out before clean-up); from `urgentPriority` up, a step
   * may also take the priority lane of its tenant's limits and of a worker's slots.
   */
  priority?: number;
  maxAttempts?: number;
}

export interface Plan {
  actions: PlannedAction[];
  /**
   * The workflow definition and version the plan was made from: part of the hash, so an approval is for
   * that version, and a later edit of the definition never reaches a planned run.
   */
  workflow?: { id: string; version: number; extends?: string };
  /**
   * Who may approve the run, resolved at planning (the manager the directory names, the addresses the
   * policy names, staff): in the hash, so an approval is of who was asked as much as of what is done.
   */
  approval?: PlanApproval;
}

/**
 * What the planning reads found, shown with the plan. An error refuses a real submission (nothing is
 * stored); a warning or info is shown and the run goes ahead. `field` names the request's field where the
 * finding is about one ("manager", "extraGroups.1"), else the step's parameter ("steps.<key>.params.<name>").
 */
export interface PlanFinding {
  field: string;
  severity: "error" | "warning" | "info";
  message: string;
  /** The key of the plan's step the finding is about. */
  step?: string;
}

export const defaultQueue = "default";

/**
 * The priority from which a step is urgent: an offboarding's lock-out and the gates before it. Urgent steps
 * are claimed first and may go past the slots and rate tokens the rest of the tenant's work has taken.
 */
export const urgentPriority = 100;

/**
 * Ahead of ordinary work in the queue, without the urgent lane: what a lock-out waits on but is not
 * itself one (the mail asking the approver). A long send in the lane would hold a lock-out step back.
 */
export const aheadPriority = 50;

/**
 * Before the rest of a run's ready steps on the same API: those on its longest chain (an onboarding's
 * licence, and the joins that may bring one, before the mailbox appears), so the chain does not queue
 * behind steps that can wait.
 */
export const longestChainPriority = 10;

/**
 * A step that waits for a person: an approval of the plan, or a task done by hand. Its decision is read
 * from the signals addressed to this step alone, so one run can hold several.
 */
export const gateType = "engine.gate";
export const gateKinds = ["approval", "manual-task"] as const;
export type GateKind = (typeof gateKinds)[number];

export interface GateParams {
  kind: GateKind;
  /** Who may act on it, as the policy or person that the request named ("manager", an address). */
  who: string;
  /** What is asked of them, in the words shown to them. */
  ask: string;
  /** An approval's approvers as planned; absent on gates planned before they were resolved (staff approve). */
  approvers?: Approver[];
  /** Who asked for the run: never its approver. */
  requestedBy?: RequestedBy;
}

/** The gate every approval policy adds before a run's first steps; `lifecycle approve <run>` addresses it. */
export const approvalGateKey = "approval";
/** The bucket of the shared limits that gates are claimed under: deciding one talks to no vendor. */
export const gateApi = "gate";
export const engineTenant = "engine";

/** A gate as a step of a plan, under the engine's own limits bucket (deciding it talks to no vendor). */
export function gateStep(
  key: string,
  params: GateParams,
  deps: string[] = [],
  title?: string,
): PlannedAction {
  return {
    key,
    type: gateType,
    title: title ?? (params.kind === "approval" ? "Approval" : params.ask),
    params: { ...params },
    deps,
    required: true,
    tenant: engineTenant,
    api: gateApi,
    priority: urgentPriority,
    maxAttempts: 1,
  };
}
