import type { ErrorKind } from "../../domain/errors.ts";
import type { FailureCode } from "../../domain/failure-codes.ts";
import type { Classified, VendorAnswer } from "../http/index.ts";

/**
 * What a Hudu refusal says. The 422 body's keys are not documented (reference §7, §11 [unconfirmed]):
 * {"error": "…"} is read first, then {"errors": […] or {field: […]}} and {"message": "…"}, then the text
 * (the 429's body is plain "Retry later"). Hudu sends no error codes of its own.
 */
export function huduMessageOf(body: unknown): string | undefined {
  if (typeof body === "string") return body.trim().slice(0, 300) || undefined;
  if (typeof body !== "object" || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);
  const listed = (v: unknown): string | undefined => {
    if (Array.isArray(v)) return v.map(String).join("; ") || undefined;
    if (typeof v === "object" && v !== null)
      return (
        Object.entries(v)
          .map(([field, why]) => `${field} ${Array.isArray(why) ? why.join(", ") : String(why)}`)
          .join("; ") || undefined
      );
    return text(v);
  };
  return text(b.error) ?? listed(b.errors) ?? text(b.message) ?? listed(b.error);
}

const byStatus: Record<number, [ErrorKind, FailureCode]> = {
  400: ["invalid", "VENDOR_INVALID"],
  401: ["permission", "AUTH_FAILED"],
  403: ["permission", "FORBIDDEN"],
  404: ["not-found", "OBJECT_NOT_FOUND"],
  409: ["conflict", "VENDOR_CONFLICT"],
  422: ["invalid", "VENDOR_INVALID"],
  429: ["throttled", "THROTTLED"],
};

/** Until the next boundary of a fixed window counted from the epoch, and a second for clock skew. */
export function untilNextWindowMs(windowSeconds: number, now = Date.now()): number {
  const windowMs = windowSeconds * 1000;
  return windowMs - (now % windowMs) + 1000;
}

/** Hudu's answers to kinds: the status decides; a 429 without Retry-After waits for the next window. */
export function huduClassifier(rateWindowSeconds: number): (a: VendorAnswer) => Classified {
  return (a) => {
    const said = huduMessageOf(a.body);
    const [kind, code] =
      byStatus[a.status] ??
      (a.status >= 500 ? ["transient", "VENDOR_UNAVAILABLE"] : ["fatal", "VENDOR_ERROR"]);
    return {
      kind,
      code,
      message: `${a.call}: ${said ?? `HTTP ${a.status}`}`,
      ...(a.status === 429 ? { retryAfterMs: untilNextWindowMs(rateWindowSeconds) } : {}),
    };
  };
}
