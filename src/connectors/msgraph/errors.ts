import { LifecycleError, type ErrorKind, type Failure } from "../../domain/errors.ts";

/** Graph's OData error envelope, as sent. */
export interface GraphErrorBody {
  error?: {
    code?: string;
    message?: string;
    innerError?: Record<string, unknown>;
    details?: { code?: string; target?: string; message?: string }[];
  };
}

/**
 * Vendor code to kind, as a table the engine can branch on. Field knowledge lives here once: Graph says
 * "already a member" as a 400, a duplicate UPN as a 400 with ObjectConflict, a fresh object as a 404.
 */
const rules: {
  match: (status: number, code: string, message: string) => boolean;
  kind: ErrorKind;
  code?: string;
}[] = [
  { match: (s) => s === 429, kind: "throttled" },
  { match: (s, c) => s === 503 && /Throttled/.test(c), kind: "throttled" },
  { match: (s) => s === 500 || s === 502 || s === 503 || s === 504, kind: "transient" },
  {
    match: (_s, _c, m) => /added object references already exist/i.test(m),
    kind: "conflict",
    code: "AlreadyMember",
  },
  {
    match: (_s, _c, m) => /removed object references do not exist/i.test(m),
    kind: "not-found",
    code: "NotAMember",
  },
  { match: (_s, _c, m) => /same value for property/i.test(m), kind: "conflict", code: "ObjectConflict" },
  { match: (s) => s === 401, kind: "permission" },
  { match: (s) => s === 403, kind: "permission" },
  { match: (s) => s === 404, kind: "not-found" },
  { match: (s) => s === 409 || s === 412, kind: "conflict" },
  { match: (s) => s === 400 || s === 405 || s === 422, kind: "invalid" },
];

export function classifyGraphError(
  status: number,
  body: unknown,
  requestId: string | undefined,
  retryAfterMs: number | undefined,
): Failure {
  const err = (body as GraphErrorBody | undefined)?.error;
  const vendorCode = err?.code ?? String(status);
  const message = err?.message ?? `HTTP ${status}`;
  const rule = rules.find((r) => r.match(status, vendorCode, message));
  return {
    kind: rule?.kind ?? (status >= 500 ? "transient" : "fatal"),
    code: rule?.code ?? vendorCode,
    message,
    requestId,
    retryAfterMs,
  };
}

/** A Graph call that failed: the kind for the engine, and the whole vendor body for the record. */
export class GraphError extends LifecycleError {
  constructor(
    failure: Failure,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(failure);
    this.name = "GraphError";
  }
}

/** Retry-After is seconds, possibly fractional; absent means "use your own backoff". */
export function retryAfterMs(header: string | null | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}
