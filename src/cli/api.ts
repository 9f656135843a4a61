import type { Reissued } from "../composition/index.ts";
import type { BatchView } from "../composition/bulk.ts";
import type { LinkView } from "../credentials/one-time-links.ts";
import type { CredentialInfo } from "../credentials/repo.ts";
import type { ClientConfig } from "../domain/client.ts";
import type { FieldError } from "../domain/result.ts";
import type { RunEvent } from "../engine/events.ts";
import type { RunDetail, RunRow } from "../engine/read.ts";
import type { Submission } from "../composition/submit.ts";
import type {
  SavedOverlayView,
  WorkflowCheck,
  WorkflowHistoryEntry,
  WorkflowView,
} from "../composition/index.ts";
import type { WorkflowKind } from "../workflows/index.ts";
import type { ReportFormat } from "../evidence/index.ts";
import type { AuditCheckpoint } from "../store/audit/checkpoint.ts";
import type { AuditReport } from "../store/audit/verify.ts";
import type { StaffAccount, TokenInfo, TokenRequest } from "../staff/index.ts";
import type { StaffRole } from "../domain/staff-roles.ts";
import type { ErrorCode } from "../server/errors.ts";

export interface NewStaff {
  email: string;
  role: StaffRole;
  clients?: string[];
  displayName?: string;
}

/** What the CLI asks of Lifecycle, served in-process (a store it opened) or by a server (LIFECYCLE_URL). */
export interface LifecycleApi {
  listClients(): Promise<ClientConfig[]>;
  getClient(id: string): Promise<ClientConfig>;
  /** Creates the client, or replaces the config of the one with its id; answers whether it was new. */
  saveClient(config: ClientConfig, actor: string): Promise<{ created: boolean; client: ClientConfig }>;
  submit(kind: "onboard" | "offboard", body: Record<string, unknown>, dryRun: boolean): Promise<Submission>;
  listRuns(filter: {
    clientId?: string | undefined;
    status?: string | undefined;
    limit?: number | undefined;
  }): Promise<RunRow[]>;
  getRun(id: string): Promise<RunDetail>;
  cancel(id: string, actor: string, reason?: string): Promise<RunDetail>;
  retry(id: string, actor: string): Promise<RunDetail>;
  /** Approves as whoever this connection is (the token's owner, or the operator on this machine). */
  approve(id: string, planHash: string, note?: string): Promise<RunDetail>;
  reject(id: string, note?: string): Promise<RunDetail>;
  /** The run's one-time links by id and state; their addresses are in no answer. */
  links(runId: string): Promise<LinkView[]>;
  /** Revokes the run's link (of `step`, when it has several) and sends a new one the way the first went. */
  reissueLink(runId: string, actor: string, step?: string): Promise<Reissued>;
  /** Seals and stores a secret; the value is validated first and never comes back. */
  setCredential(ref: string, kind: string, value: unknown, actor: string): Promise<CredentialInfo>;
  listCredentials(): Promise<CredentialInfo[]>;
  removeCredential(ref: string, actor: string): Promise<void>;
  /** The client's workflow of a kind: the latest saved version (or `version`) on its built-in, or the built-in. */
  workflow(clientId: string, kind: WorkflowKind, version?: number): Promise<WorkflowView>;
  /** The overlay as saved (or an empty one extending the built-in when none is): what an export writes. */
  workflowOverlay(clientId: string, kind: WorkflowKind, version?: number): Promise<SavedOverlayView>;
  /** Saves the overlay as the next version; an invalid one is refused with its fields, nothing saved. */
  saveWorkflow(clientId: string, kind: WorkflowKind, overlay: unknown, actor: string): Promise<WorkflowView>;
  /** Checks an overlay as a save would; saves nothing. */
  checkWorkflow(clientId: string, kind: WorkflowKind, overlay: unknown): Promise<WorkflowCheck>;
  workflowHistory(clientId: string, kind: WorkflowKind): Promise<WorkflowHistoryEntry[]>;
  /** The run's evidence report, as the bytes of the format asked for (JSON, an HTML page, a PDF). */
  runReport(id: string, format: ReportFormat): Promise<Buffer>;
  /** Re-computes the audit chain, checked against the kept checkpoint and `checkpoint` when given. */
  verifyAudit(checkpoint?: AuditCheckpoint): Promise<AuditReport>;
  /** A signed checkpoint of the audit log's head, to keep outside the database. */
  auditCheckpoint(): Promise<AuditCheckpoint>;
  /** Calls onEvent for each of the run's events from the start, live, until the returned stop is called. */
  follow(id: string, onEvent: (e: RunEvent) => void): Promise<() => Promise<void>>;
  /** Staff accounts (admins): the answer's sign-in link is a path when no server made it. */
  listStaff(): Promise<StaffAccount[]>;
  addStaff(input: NewStaff): Promise<{ account: StaffAccount; signInLink: string }>;
  disableStaff(email: string): Promise<StaffAccount>;
  staffSignInLink(email: string): Promise<string>;
  /** Personal API tokens of whoever the CLI is (an admin may list everyone's). */
  createToken(input: TokenRequest): Promise<{ token: string; info: TokenInfo }>;
  listTokens(all: boolean): Promise<TokenInfo[]>;
  revokeToken(id: string): Promise<TokenInfo>;
  /** Uploads a CSV of requests for a client: every row judged, nothing run. */
  bulkUpload(kind: "onboard" | "offboard", clientId: string, csv: string): Promise<BatchView>;
  /** Makes a run of every row not excluded; again, it makes only the runs still missing. */
  bulkSubmit(batchId: string, exclude: number[]): Promise<BatchView>;
  /** Approves every run of the batch that waits for approval, as whoever this connection is. */
  bulkApprove(batchId: string, planHash: string, note?: string): Promise<BatchView>;
  /** Rejects every run of the batch still waiting for approval, as whoever this connection is. */
  bulkReject(batchId: string, note?: string): Promise<BatchView>;
  bulkBatch(batchId: string): Promise<BatchView>;
  close(): Promise<void>;
}

/** An error the CLI shows as it is and exits with a code for its kind. */
export class CliError extends Error {
  /** The API's catalogued code: what `--json` prints, so scripts branch on the same code either way. */
  readonly code: ErrorCode;
  constructor(
    message: string,
    readonly exitCode: number,
    readonly fields: FieldError[] = [],
    code?: ErrorCode,
  ) {
    super(message);
    this.code = code ?? codeForExit(exitCode);
  }
}

export const exitCodes = {
  ok: 0,
  runFailed: 1,
  /** As for a failed run: the command worked, and what it checked does not hold. */
  verificationFailed: 1,
  invalid: 2,
  notFound: 3,
  conflict: 4,
  unavailable: 5,
  /** Who this connection is may not do it (an approver the client's policy does not name). */
  forbidden: 6,
  internal: 70,
} as const;

function codeForExit(exitCode: number): ErrorCode {
  switch (exitCode) {
    case exitCodes.invalid:
      return "LC_ERR_VALIDATION";
    case exitCodes.notFound:
      return "LC_ERR_NOT_FOUND";
    case exitCodes.conflict:
      return "LC_ERR_CONFLICT";
    case exitCodes.unavailable:
      return "LC_ERR_UNAVAILABLE";
    case exitCodes.forbidden:
      return "LC_ERR_FORBIDDEN";
    default:
      return "LC_ERR_INTERNAL";
  }
}
