import type { ErrorKind } from "../../domain/errors.ts";
import type { FailureCode } from "../../domain/failure-codes.ts";
import type { Classified, VendorAnswer } from "../http/index.ts";

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
 * Vendor answer to kind and catalogued code, as a table the engine and actions can branch on. Field
 * knowledge lives here once: Graph says "already a member" as a 400, a duplicate UPN as a 400 with
 * ObjectConflict, a fresh object as a 404. The first matching rule wins.
 */
const rules: {
  match: (status: number, code: string, message: string, detailCodes: string[]) => boolean;
  kind: ErrorKind;
  code: FailureCode;
}[] = [
  { match: (s) => s === 429, kind: "throttled", code: "THROTTLED" },
  { match: (s, c) => s === 503 && /Throttled/.test(c), kind: "throttled", code: "THROTTLED" },
  { match: (s) => s >= 500, kind: "transient", code: "VENDOR_UNAVAILABLE" },
  {
    match: (_s, _c, m) => /added object references already exist/i.test(m),
    kind: "conflict",
    code: "ALREADY_MEMBER",
  },
  {
    match: (_s, _c, m) => /removed object references do not exist/i.test(m),
    kind: "not-found",
    code: "NOT_A_MEMBER",
  },
  {
    match: (_s, _c, m, d) => /same value for property/i.test(m) || d.includes("ObjectConflict"),
    kind: "conflict",
    code: "VALUE_CONFLICT",
  },
  { match: (s) => s === 401, kind: "permission", code: "AUTH_FAILED" },
  { match: (s) => s === 403, kind: "permission", code: "FORBIDDEN" },
  { match: (s) => s === 404, kind: "not-found", code: "OBJECT_NOT_FOUND" },
  { match: (s) => s === 409 || s === 412, kind: "conflict", code: "VENDOR_CONFLICT" },
  { match: (s) => s === 400 || s === 405 || s === 422, kind: "invalid", code: "VENDOR_INVALID" },
];

export function classifyGraphError(status: number, body: unknown): Classified {
  const err = (body as GraphErrorBody | undefined)?.error;
  const vendorCode = err?.code;
  const message = err?.message ?? (typeof body === "string" && body ? body.slice(0, 200) : `HTTP ${status}`);
  const details = (err?.details ?? []).flatMap((d) => (d.code ? [d.code] : []));
  const rule = rules.find((r) => r.match(status, vendorCode ?? "", message, details));
  return {
    kind: rule?.kind ?? "fatal",
    code: rule?.code ?? "VENDOR_ERROR",
    message,
    ...(vendorCode !== undefined ? { vendorCode } : {}),
  };
}

export const classifyGraphAnswer = (a: VendorAnswer): Classified => classifyGraphError(a.status, a.body);
