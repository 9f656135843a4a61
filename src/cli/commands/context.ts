import type { LifecycleApi } from "../api.ts";

/** What commands need from their surroundings; passed in, so tests can run them in-process. */
export interface CliContext {
  env: NodeJS.ProcessEnv;
  actor: string;
  out(text: string): void;
  err(text: string): void;
  setExitCode(code: number): void;
  connect(opts: { worker: boolean }): Promise<LifecycleApi>;
  /** Standard input, whole: where secrets are read from, since arguments end up in shell history. */
  readStdin?(): Promise<string>;
  /** How long approve and reject wait for a worker to act on the decision (5 s unless a test says). */
  settleMs?: number;
}
