import { fail, type Result } from "../domain/result.ts";
import { builtinWorkflows } from "./builtin/index.ts";
import type { WorkflowDefinition, WorkflowKind, WorkflowOverlay } from "./definition.ts";
import { applyOverlay, refOf } from "./overlay.ts";

/** A client's saved overlay as the store holds it: every save a new version. */
export interface StoredOverlay {
  clientId: string;
  version: number;
  overlay: WorkflowOverlay;
}

/** The definition a client's request of a kind is planned with: its overlay on a built-in, or the built-in. */
export function resolveWorkflow(kind: WorkflowKind, stored?: StoredOverlay): Result<WorkflowDefinition> {
  if (!stored) return { ok: true, value: builtinWorkflows[kind] };
  const base = Object.values(builtinWorkflows).find((b) => refOf(b) === stored.overlay.extends);
  if (!base)
    return fail(
      "extends",
      `names "${stored.overlay.extends}", which is not a built-in workflow: one of ${Object.values(builtinWorkflows).map(refOf).join(", ")}`,
    );
  return applyOverlay(base, stored.overlay, {
    id: `client:${stored.clientId}:${kind}`,
    version: stored.version,
  });
}
