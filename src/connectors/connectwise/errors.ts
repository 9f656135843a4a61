import type { ErrorKind } from "../../domain/errors.ts";
import type { FailureCode } from "../../domain/failure-codes.ts";
import type { Classified, VendorAnswer } from "../http/index.ts";
import type { CwErrorBody } from "./types.ts";

/**
 * ConnectWise's answers to kinds (reference §2 "Rate limits, errors"): the status decides, and the
 * envelope's own code ("InvalidObject", "NotFound", "Unauthorized", "ConnectWiseApi" …) travels as sent.
 */
const byStatus: Record<number, [ErrorKind, FailureCode]> = {
  400: ["invalid", "VENDOR_INVALID"],
  401: ["permission", "AUTH_FAILED"],
  403: ["permission", "FORBIDDEN"],
  404: ["not-found", "OBJECT_NOT_FOUND"],
  405: ["invalid", "VENDOR_INVALID"],
  409: ["conflict", "VENDOR_CONFLICT"],
  415: ["invalid", "VENDOR_INVALID"],
  429: ["throttled", "THROTTLED"],
};

export function envelopeOf(body: unknown): CwErrorBody | undefined {
  return typeof body === "object" && body !== null && !Array.isArray(body)
    ? (body as CwErrorBody)
    : undefined;
}

/** The envelope's message with each field error after it: "ticket object is invalid (status/id: …)". */
function describe(envelope: CwErrorBody | undefined, status: number, text: string): string {
  const head = envelope?.message ?? (text.trim().slice(0, 200) || `HTTP ${status}`);
  const details = (envelope?.errors ?? [])
    .map((e) => [e.field, e.message ?? e.code].filter(Boolean).join(": "))
    .filter(Boolean);
  return details.length ? `${head} (${details.join("; ")})` : head;
}

export function classifyCwError(status: number, body: unknown, text: string): Classified {
  const envelope = envelopeOf(body);
  const vendorCode = envelope?.code ?? envelope?.error;
  const withCode = vendorCode !== undefined ? { vendorCode } : {};
  const message = describe(envelope, status, text);
  // "SSL is required." comes from a UI host where the api- host was meant: a config error, not a permission.
  if (vendorCode === "Security" && /ssl is required/i.test(message))
    return { kind: "invalid", code: "VENDOR_INVALID", message, ...withCode };
  const [kind, code] =
    byStatus[status] ?? (status >= 500 ? ["transient", "VENDOR_UNAVAILABLE"] : ["fatal", "VENDOR_ERROR"]);
  return { kind, code, message, ...withCode };
}

export const classifyCwAnswer = (a: VendorAnswer): Classified => {
  const c = classifyCwError(a.status, a.body, a.text);
  return { ...c, message: `${a.call}: ${c.message}` };
};
