import type { ErrorKind } from "../../domain/errors.ts";
import type { FailureCode } from "../../domain/failure-codes.ts";
import type { Classified, VendorAnswer } from "../http/index.ts";

/**
 * NinjaOne's error body is not documented (the spec gives statuses only; reference §4, §11). The
 * HomoTechsual module reads `{resultCode, errorMessage}`, else `{error}`; OAuth refusals add
 * `error_description`; a plain string is kept as the message. So does this.
 */
export function ninjaErrorOf(body: unknown): { code?: string; message?: string } {
  if (typeof body === "string") return body.trim() ? { message: body.trim().slice(0, 500) } : {};
  if (typeof body !== "object" || body === null || Array.isArray(body)) return {};
  const b = body as Record<string, unknown>;
  const text = (v: unknown) =>
    typeof v === "string" && v ? v : typeof v === "number" ? String(v) : undefined;
  const code = text(b.resultCode) ?? text(b.error);
  const message = text(b.errorMessage) ?? text(b.error_description) ?? text(b.message) ?? text(b.error);
  return { ...(code !== undefined ? { code } : {}), ...(message !== undefined ? { message } : {}) };
}

/** A 400 that says the address is taken: a create whose answer was lost, or another organisation's person. */
const alreadyExists = /already[ _](exists|in[ _]use|registered|taken)|duplicate/i;

const byStatus: Record<number, [ErrorKind, FailureCode]> = {
  400: ["invalid", "VENDOR_INVALID"],
  401: ["permission", "AUTH_FAILED"],
  403: ["permission", "FORBIDDEN"],
  404: ["not-found", "OBJECT_NOT_FOUND"],
  409: ["conflict", "VENDOR_CONFLICT"],
  429: ["throttled", "THROTTLED"],
};

export function classifyNinjaAnswer(a: VendorAnswer): Classified {
  const { code: vendorCode, message: said } = ninjaErrorOf(a.body);
  const withCode = vendorCode !== undefined ? { vendorCode } : {};
  const message = `${a.call}: ${said ?? `HTTP ${a.status}`}`;
  if (a.status === 400 && alreadyExists.test(`${vendorCode ?? ""} ${said ?? ""}`))
    return { kind: "conflict", code: "ALREADY_EXISTS", message, ...withCode };
  const [kind, code] =
    byStatus[a.status] ?? (a.status >= 500 ? ["transient", "VENDOR_UNAVAILABLE"] : ["fatal", "VENDOR_ERROR"]);
  return { kind, code, message, ...withCode };
}
