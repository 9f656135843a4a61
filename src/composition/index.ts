export { parseClient } from "./client-config.ts";
export { portsFor, type PortsDeps, type PortsResolver, type PortBinding } from "./client-ports.ts";
export { credentialKinds } from "./credential-kinds.ts";
export { liveStateOf } from "./live-state.ts";
export { publicConfig, publicSystems } from "./public-config.ts";
export { clientSystems, limitsOf, planSystemsOf } from "./systems.ts";
export { submitRequest, type Submission, type SubmitOptions } from "./submit.ts";
export { productWorker } from "./worker.ts";
export {
  checkClientWorkflow,
  clientWorkflow,
  clientWorkflowHistory,
  emptyOverlay,
  isWorkflowKind,
  loadClientOverlay,
  loadClientWorkflow,
  saveClientWorkflow,
  savedOverlayView,
  workflowView,
  type ClientWorkflow,
  type SavedOverlay,
  type WorkflowHistoryEntry,
  type WorkflowInput,
  type WorkflowView,
  type SavedOverlayView,
  type WorkflowCheck,
} from "./workflows.ts";
export { reissueRunLink, runLinks, type Reissued } from "./reissue-link.ts";
