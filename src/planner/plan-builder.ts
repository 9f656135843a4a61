import type { ClientConfig } from "../domain/client.ts";
import type { Plan, PlannedAction } from "../domain/plan.ts";
import type { PortName } from "../ports/index.ts";

/** What the planner needs to know of the client's systems: who serves a port, and what else it serves. */
export interface PlanSystems {
  /** The system that serves a port by default; undefined when the client has none for it. */
  servedBy(port: PortName): string | undefined;
  /** The ports a system provides. */
  portsOf(system: string): readonly PortName[];
}

/** A client without systems: every step is labelled by its port and fails NOT_CONFIGURED when run. */
export const noSystems: PlanSystems = { servedBy: () => undefined, portsOf: () => [] };

/** Builds a plan's actions in order; every step is scoped to the client as its tenant. */
export class PlanBuilder {
  private readonly actions: PlannedAction[] = [];
  constructor(
    private readonly client: ClientConfig,
    private readonly systems: PlanSystems = noSystems,
  ) {}

  /** Whether any of the client's systems serves the port. */
  serves(port: PortName): boolean {
    return this.systems.servedBy(port) !== undefined;
  }

  /**
   * `port` is the step's main port: the system serving it is the step's rate bucket, and serves every
   * other port of the step it provides (a hybrid client's licence step reads the user in Entra, where the
   * licence is, even when AD is the client's directory).
   */
  add(step: {
    key: string;
    type: string;
    title: string;
    port: PortName;
    params: Record<string, unknown>;
    deps: string[];
    required: boolean;
    priority: number;
    always: boolean;
    beforeApproval: boolean;
    maxAttempts?: number | undefined;
  }): string {
    const { key, type, title, port, params, deps, required, priority, always, beforeApproval, maxAttempts } =
      step;
    const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
    const system = this.systems.servedBy(port);
    const bind = system
      ? Object.fromEntries(
          this.systems
            .portsOf(system)
            .filter((p) => this.systems.servedBy(p) !== system)
            .map((p) => [p, system]),
        )
      : {};
    this.actions.push({
      key,
      type,
      title,
      params: clean,
      deps,
      required,
      tenant: this.client.id,
      api: system ?? port,
      priority,
      ...(always ? { always } : {}),
      ...(beforeApproval ? { beforeApproval } : {}),
      ...(maxAttempts ? { maxAttempts } : {}),
      ...(Object.keys(bind).length ? { bind } : {}),
    });
    return key;
  }

  keys(): string[] {
    return this.actions.map((a) => a.key);
  }

  plan(): Plan {
    return { actions: [...this.actions] };
  }
}
