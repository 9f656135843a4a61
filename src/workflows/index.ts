export * from "./definition.ts";
export { applyOverlay, parseWorkflowOverlay, refOf } from "./overlay.ts";
export { builtinWorkflow, builtinWorkflows } from "./builtin/index.ts";
export { resolveWorkflow, type StoredOverlay } from "./resolve.ts";
export { validateWorkflow, type ValidateOptions } from "./validate.ts";
export { derivations, onboardingImplications, type OnboardingImplications } from "./derivations/index.ts";
