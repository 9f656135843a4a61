import type { FailureCode } from "./failure-codes.ts";
/**
 * Failures are values with a kind the engine branches on. The kind decides retry policy; the message is
 * for people; the vendor fields keep what the vendor actually said so nothing is lost in translation.
 */
export const errorKinds = [
  "transient",
  "throttled",
  "conflict",
  "not-found",
  "invalid",
  "permission",
  "fatal",
] as const;
export type ErrorKind = (typeof errorKinds)[number];

/** Only these kinds are worth another attempt: the others fail the same way every time. */
export const retryableKinds: ReadonlySet<ErrorKind> = new Set(["transient", "throttled"]);

/** What the vendor said, exactly as sent: kept apart from our own code so nothing overwrites it. */
export interface VendorDetail {
  /** The connector instance (its API) that answered, e.g. "graph"; also the rate bucket a 429 throttles. */
  api: string;
  status?: number;
  /** The vendor's error code as sent (e.g. "Request_ResourceNotFound"). */
  code?: string;
  /** The vendor's request id, so support can find the call on their side. */
  requestId?: string;
  /** The error body, truncated, with secrets redacted. */
  body?: string;
}

export interface Failure {
  kind: ErrorKind;
  message: string;
  /** Our catalogued code (domain/failure-codes.ts); actions branch on it. */
  code?: FailureCode;
  /** The vendor's request id, so support can find the call on their side. */
  requestId?: string;
  /** Earliest moment a retry is allowed, from a Retry-After header. */
  retryAfterMs?: number;
  vendor?: VendorDetail;
  /** The client's system (connector instance) that answered: the rate bucket a throttled failure slows. */
  system?: string;
}

/** Thrown by connectors and actions; the engine turns it into a failed outcome without losing the kind. */
export class LifecycleError extends Error {
  readonly failure: Failure;
  constructor(failure: Failure, options?: { cause?: unknown }) {
    super(failure.message, options);
    this.name = "LifecycleError";
    this.failure = failure;
  }
}

export function failure(
  kind: ErrorKind,
  message: string,
  extra: Omit<Failure, "kind" | "message"> = {},
): Failure {
  return { kind, message, ...extra };
}

/** Unknown throwables are transient by default: a bug or a dropped socket, never silently a success. */
export function toFailure(err: unknown): Failure {
  if (err instanceof LifecycleError) return err.failure;
  if (err instanceof Error) return { kind: "transient", message: err.message };
  return { kind: "transient", message: String(err) };
}
