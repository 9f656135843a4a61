import type { ErrorKind } from "../../domain/errors.ts";
import type { FailureCode } from "../../domain/failure-codes.ts";
import type { Classified, VendorAnswer } from "../http/index.ts";

/**
 * Datto's documented texts ("Request can not be authorized", "Device was not found.", "Filter was not
 * found") come in a body whose shape no source gives (reference §5, §11): Spring's
 * {timestamp, status, error, message, path}, OAuth's {error, error_description}, a bare {message} or
 * plain text. Every one of them is read here.
 */
export function dattoErrorOf(body: unknown): { code?: string; message?: string } {
  if (typeof body === "string") return body.trim() ? { message: body.trim().slice(0, 300) } : {};
  if (typeof body !== "object" || body === null || Array.isArray(body)) return {};
  const b = body as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);
  const code = text(b.error) ?? text(b.code);
  const message = text(b.message) ?? text(b.error_description) ?? text(b.errorMessage) ?? text(b.error);
  return { ...(code !== undefined ? { code } : {}), ...(message !== undefined ? { message } : {}) };
}

/** "Wait 60 seconds before retrying" after a 429 that names no time (reference §5). */
export const throttledWaitMs = 60_000;
/** "Wait at least 5 minutes" once the address is blocked. */
export const blockedWaitMs = 5 * 60_000;

// A 403 that follows persistent 429s blocks the caller's address for a while: it is a wait, not a missing
// permission. Datto's wording for it is not documented, so any mention of a block or of the rate decides.
const blockedText = /block|rate limit|too many/i;

const byStatus: Record<number, [ErrorKind, FailureCode]> = {
  400: ["invalid", "VENDOR_INVALID"],
  401: ["permission", "AUTH_FAILED"],
  403: ["permission", "FORBIDDEN"],
  404: ["not-found", "OBJECT_NOT_FOUND"],
  // "Request aborted due to concurrent write access to this record": another writer was first, and the
  // same write goes through a moment later.
  409: ["transient", "VENDOR_CONFLICT"],
  429: ["throttled", "THROTTLED"],
};

export function classifyDattoAnswer(a: VendorAnswer): Classified {
  const { code: vendorCode, message: said } = dattoErrorOf(a.body);
  const withCode = vendorCode !== undefined ? { vendorCode } : {};
  const message = `${a.call}: ${said ?? `HTTP ${a.status}`}`;
  if (a.status === 429)
    return { kind: "throttled", code: "THROTTLED", message, retryAfterMs: throttledWaitMs, ...withCode };
  if (a.status === 403 && blockedText.test(`${said ?? ""} ${a.text}`))
    return { kind: "throttled", code: "THROTTLED", message, retryAfterMs: blockedWaitMs, ...withCode };
  const [kind, code] =
    byStatus[a.status] ?? (a.status >= 500 ? ["transient", "VENDOR_UNAVAILABLE"] : ["fatal", "VENDOR_ERROR"]);
  return { kind, code, message, ...withCode };
}
