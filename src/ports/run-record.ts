import type { ResidualCheck } from "../domain/residual-access.ts";

/**
 * A run's own record, as the steps that report on it read it (the ticket's plan note and final log):
 * Lifecycle's store, not a vendor. Read-only.
 */
export interface RecordedStep {
  key: string;
  type: string;
  title: string;
  required: boolean;
  state: string;
  startedAt?: Date;
  finishedAt?: Date;
  /** The outcome's words: a succeeded step's detail, a failure's message, a skip's reason. */
  detail?: string;
  /** A failure's catalogued code and the vendor's request id of the call that failed or changed. */
  code?: string;
  requestId?: string;
  /** The final verification's re-read, step by step, as it recorded it (passed or not). */
  checks?: ResidualCheck[];
}

export interface RecordedRun {
  runId: string;
  kind: "onboard" | "offboard";
  clientId: string;
  subject: string;
  requester: string;
  startAt: Date;
  planHash: string;
  /** `id@version` of the workflow the run was planned with. */
  workflow?: string;
  /** In plan order. */
  steps: RecordedStep[];
}

export interface RunRecord {
  run(runId: string): Promise<RecordedRun>;
  /** Where a person opens the run and its report, when the server's public address is known. */
  links(runId: string): { run?: string; report?: string };
}
