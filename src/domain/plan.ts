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
  /** The client tenant and vendor API the step talks to: the keys of the shared limits. */
  tenant: string;
  api: string;
  /**
   * Ports this step has served by another of the client's systems than the default (port → system name).
   * Part of the plan, so an approval covers where each step goes.
   */
  bind?: Record<string, string>;
  /** Higher runs first when several are ready (lock-out before clean-up). */
  priority?: number;
  maxAttempts?: number;
}

export interface Plan {
  actions: PlannedAction[];
}

export const approvalGateType = "engine.approval";
export const approvalGateKey = "approval";
export const engineTenant = "engine";
