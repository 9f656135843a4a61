import type { ErrorKind } from "../../domain/errors.ts";
import type { FailureCode } from "../../domain/failure-codes.ts";
import type { Classified, VendorAnswer } from "../http/index.ts";

/**
 * Halo's error bodies are not one envelope (reference §1): a plain string ("An Outcome must be entered
 * for this Action"), or JSON with {ClassName, Message}, {resultCode, errorMessage} or {error}. HaloAPI's
 * own parser (New-HaloError.ps1) checks all of them; so does this.
 */
export function haloErrorOf(body: unknown): { code?: string; message?: string } {
  if (typeof body === "string") return body.trim() ? { message: body.trim() } : {};
  if (typeof body !== "object" || body === null) return {};
  const b = body as Record<string, unknown>;
  const text = (v: unknown) =>
    typeof v === "string" && v ? v : typeof v === "number" ? String(v) : undefined;
  const code =
    text(b.ClassName) ?? text(b.resultCode) ?? (text(b.error_description) ? text(b.error) : undefined);
  const message =
    text(b.Message) ?? text(b.message) ?? text(b.errorMessage) ?? text(b.error_description) ?? text(b.error);
  return { ...(code !== undefined ? { code } : {}), ...(message !== undefined ? { message } : {}) };
}

/** Refusals Halo words the same everywhere, as a table: text to kind and code. */
const byMessage: [RegExp, ErrorKind, FailureCode][] = [
  [/outcome must be entered/i, "invalid", "PSA_NOTE_TYPE_REQUIRED"],
  [/invalid advanced search/i, "invalid", "PSA_SEARCH_REFUSED"],
];

export function classifyHaloAnswer(a: VendorAnswer): Classified {
  const { code: vendorCode, message: said } = haloErrorOf(a.body);
  const withCode = vendorCode !== undefined ? { vendorCode } : {};
  const message = `${a.call}: ${said ?? `HTTP ${a.status}`}`;
  if (a.status === 429) return { kind: "throttled", code: "THROTTLED", message, ...withCode };
  const rule = said !== undefined ? byMessage.find(([re]) => re.test(said)) : undefined;
  if (rule) return { kind: rule[1], code: rule[2], message, ...withCode };
  const [kind, code]: [ErrorKind, FailureCode] =
    a.status >= 500
      ? ["transient", "VENDOR_UNAVAILABLE"]
      : a.status === 401
        ? ["permission", "AUTH_FAILED"]
        : a.status === 403
          ? ["permission", "FORBIDDEN"]
          : a.status === 404
            ? ["not-found", "OBJECT_NOT_FOUND"]
            : a.status === 409
              ? ["conflict", "VENDOR_CONFLICT"]
              : ["invalid", "VENDOR_INVALID"];
  return { kind, code, message, ...withCode };
}
