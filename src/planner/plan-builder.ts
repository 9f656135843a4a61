import type { ClientConfig } from "../domain/client.ts";
import type { Plan, PlannedAction } from "../domain/plan.ts";

export function identityApi(client: ClientConfig): string {
  return client.systems.identity === "ad" ? "ad" : "graph";
}

/** Builds a plan's actions in order; every step is scoped to the client as its tenant. */
export class PlanBuilder {
  private readonly actions: PlannedAction[] = [];
  constructor(private readonly client: ClientConfig) {}

  add(
    key: string,
    type: string,
    title: string,
    api: string,
    params: Record<string, unknown>,
    deps: string[] = [],
    required = true,
    priority = 0,
  ): string {
    const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
    this.actions.push({
      key,
      type,
      title,
      params: clean,
      deps,
      required,
      tenant: this.client.id,
      api,
      priority,
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
