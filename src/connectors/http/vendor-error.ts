import { LifecycleError, type ErrorKind, type Failure, type VendorDetail } from "../../domain/errors.ts";
import type { FailureCode } from "../../domain/failure-codes.ts";
import { bodyForRecord } from "./redact.ts";

export interface VendorFailure {
  /** Which API answered: also the rate bucket the engine throttles on a 429. */
  api: string;
  kind: ErrorKind;
  /** Ours, from the catalogue: what actions branch on. */
  code: FailureCode;
  message: string;
  status?: number;
  /** The vendor's own code, exactly as sent. */
  vendorCode?: string;
  requestId?: string;
  /** The vendor's body as received (parsed or text): stored redacted and truncated. */
  body?: unknown;
  retryAfterMs?: number;
}

/**
 * A vendor call that failed, for every connector: our code for the actions, the vendor's code, status,
 * request id and (redacted, truncated) body apart in `failure.vendor` so nothing the vendor said is lost.
 */
export class VendorError extends LifecycleError {
  constructor(f: VendorFailure, options?: { cause?: unknown }) {
    const body = bodyForRecord(f.body);
    const vendor: VendorDetail = {
      api: f.api,
      ...(f.status !== undefined ? { status: f.status } : {}),
      ...(f.vendorCode !== undefined ? { code: f.vendorCode } : {}),
      ...(f.requestId !== undefined ? { requestId: f.requestId } : {}),
      ...(body !== undefined ? { body } : {}),
    };
    const failure: Failure = {
      kind: f.kind,
      code: f.code,
      message: f.message,
      ...(f.requestId !== undefined ? { requestId: f.requestId } : {}),
      ...(f.retryAfterMs !== undefined ? { retryAfterMs: f.retryAfterMs } : {}),
      vendor,
    };
    super(failure, options);
    this.name = "VendorError";
  }

  get vendor(): VendorDetail {
    return this.failure.vendor!;
  }

  get status(): number | undefined {
    return this.failure.vendor?.status;
  }
}

/**
 * A call that got no (whole) answer: it may or may not have happened, and may work on a retry. A step
 * that gave up (lease lost) is told apart from a vendor that did not answer in time.
 */
export function networkFailure(
  api: string,
  call: string,
  err: unknown,
  timeoutMs: number,
  requestId: string | undefined,
  signal?: AbortSignal,
): VendorError {
  const aborted = signal?.aborted === true;
  const timedOut = !aborted && err instanceof Error && err.name === "TimeoutError";
  const detail = describe(err);
  return new VendorError(
    {
      api,
      kind: "transient",
      code: aborted ? "ABORTED" : timedOut ? "TIMEOUT" : "NETWORK_ERROR",
      message: aborted
        ? `${call}: abandoned, the step gave up (${detail})`
        : timedOut
          ? `${call}: no answer within ${timeoutMs / 1000} s`
          : `${call}: ${detail}`,
      ...(requestId !== undefined ? { requestId } : {}),
    },
    { cause: err },
  );
}

// fetch says only "fetch failed"; the reason (ECONNREFUSED, a reset) is in its cause.
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : undefined;
  return cause && cause !== err.message ? `${err.message} (${cause})` : err.message;
}
