import { workflowDefinitionSchema, type WorkflowDefinition, type WorkflowKind } from "../definition.ts";
import { builtinOffboard } from "./offboard.ts";
import { builtinOnboard } from "./onboard.ts";

/** The definitions every client starts from; a client's overlay extends one of them. */
export const builtinWorkflows: Record<WorkflowKind, WorkflowDefinition> = {
  onboard: workflowDefinitionSchema.parse(builtinOnboard),
  offboard: workflowDefinitionSchema.parse(builtinOffboard),
};

export function builtinWorkflow(kind: WorkflowKind): WorkflowDefinition {
  return builtinWorkflows[kind];
}
