import type { ErrorKind } from "../../domain/errors.ts";
import type { FailureCode } from "../../domain/failure-codes.ts";
import type { Classified, VendorAnswer } from "../http/index.ts";

/** Autotask's error envelope, as sent (reference §3): `{"errors": ["A ContactGroup already exists …"]}`. */
export interface AutotaskErrorBody {
  errors?: unknown[];
}

/** The envelope's messages, when the body is one. */
export function errorsOf(body: unknown): string[] | undefined {
  if (typeof body !== "object" || body === null || !Array.isArray((body as AutotaskErrorBody).errors))
    return undefined;
  return (body as { errors: unknown[] }).errors.map((e) => (typeof e === "string" ? e : JSON.stringify(e)));
}

export interface AutotaskClassifyOptions {
  /** The status a suspended hourly threshold answers with [unconfirmed]; see config.ts. */
  suspendedStatus: number;
  /**
   * How long a suspension is waited out when Autotask sends no Retry-After [unconfirmed]: it lasts until
   * the rolling hour's usage drops, so it is the engine's wait from the first refusal, never a retry here.
   */
  suspendedRetryAfterMs: number;
}

/**
 * Status and envelope to kind and catalogued code. Autotask answers a refused create or update with HTTP
 * 500 and its `errors` list ("treat any response other than 200 as an error"), so a 500 is the vendor
 * refusing the request unless it says otherwise; a 5xx without the envelope, or one that says the server
 * failed, is the vendor being down. Autotask sends no error codes of its own: the message is kept whole.
 * The first matching rule wins.
 */
const rules: {
  match: (status: number, text: string, enveloped: boolean, o: AutotaskClassifyOptions) => boolean;
  kind: ErrorKind;
  code: FailureCode;
}[] = [
  {
    match: (s, t, _e, o) => (s === 429 || s === o.suspendedStatus) && /threshold/i.test(t),
    kind: "throttled",
    code: "AUTOTASK_THRESHOLD_EXCEEDED",
  },
  { match: (s, _t, _e, o) => s === 429 || s === o.suspendedStatus, kind: "throttled", code: "THROTTLED" },
  { match: (s) => s === 401, kind: "permission", code: "AUTH_FAILED" },
  { match: (s) => s === 403, kind: "permission", code: "FORBIDDEN" },
  { match: (s) => s === 404, kind: "not-found", code: "OBJECT_NOT_FOUND" },
  {
    match: (s, t, e) => s === 500 && e && /not found|could not be found|invalid parent/i.test(t),
    kind: "not-found",
    code: "OBJECT_NOT_FOUND",
  },
  {
    match: (s, t, e) =>
      s === 500 && e && !/unexpected error|internal server error|timed? ?out|try again/i.test(t),
    kind: "invalid",
    code: "VENDOR_INVALID",
  },
  { match: (s) => s >= 500, kind: "transient", code: "VENDOR_UNAVAILABLE" },
  { match: (s) => s === 409, kind: "conflict", code: "VENDOR_CONFLICT" },
  { match: (s) => s === 400 || s === 405 || s === 422, kind: "invalid", code: "VENDOR_INVALID" },
];

export function classifyAutotaskError(
  status: number,
  body: unknown,
  opts: AutotaskClassifyOptions,
): Classified {
  const errors = errorsOf(body);
  const text = errors?.join(" ") ?? (typeof body === "string" ? body.slice(0, 300) : "");
  const rule = rules.find((r) => r.match(status, text, errors !== undefined, opts));
  return {
    kind: rule?.kind ?? "fatal",
    code: rule?.code ?? "VENDOR_ERROR",
    message: text || `HTTP ${status}`,
    ...(rule?.code === "AUTOTASK_THRESHOLD_EXCEEDED" ? { retryAfterMs: opts.suspendedRetryAfterMs } : {}),
  };
}

export const autotaskClassifier =
  (opts: AutotaskClassifyOptions) =>
  (a: VendorAnswer): Classified => {
    const c = classifyAutotaskError(a.status, a.body, opts);
    return { ...c, message: `${a.call}: ${c.message}` };
  };
