import type { ErrorKind } from "../../domain/errors.ts";
import type { FailureCode } from "../../domain/failure-codes.ts";
import type { Classified, VendorAnswer } from "../http/index.ts";
import { errorDocument, type ErrorMember } from "./jsonapi.ts";

/**
 * IT Glue's refusals to kinds (reference §6): the status decides; the JSON:API error's `code` (or, as IT
 * Glue has none documented, its `title`) travels as the vendor's code, and every member's detail is kept
 * in the message. A 422 on a PATCH is how IT Glue refuses to change a record synced from a PSA: its
 * detail says so, and it stays in the message.
 */
const byStatus: Record<number, [ErrorKind, FailureCode]> = {
  400: ["invalid", "VENDOR_INVALID"],
  401: ["permission", "AUTH_FAILED"],
  403: ["permission", "FORBIDDEN"],
  404: ["not-found", "OBJECT_NOT_FOUND"],
  409: ["conflict", "VENDOR_CONFLICT"],
  415: ["invalid", "VENDOR_INVALID"],
  422: ["invalid", "VENDOR_INVALID"],
  429: ["throttled", "THROTTLED"],
};

export function errorsOf(body: unknown): ErrorMember[] {
  const parsed = errorDocument.safeParse(body);
  return parsed.success ? parsed.data.errors : [];
}

function describe(members: ErrorMember[], status: number, text: string): string {
  if (!members.length) return text.trim().slice(0, 200) || `HTTP ${status}`;
  return members
    .map((m) => {
      const where = m.source?.pointer ? ` (${m.source.pointer})` : "";
      return [m.title, m.detail].filter(Boolean).join(": ") + where;
    })
    .join("; ");
}

export function classifyItglueAnswer(a: VendorAnswer): Classified {
  const members = errorsOf(a.body);
  const first = members[0];
  const vendorCode = first?.code ?? first?.title;
  const withCode = vendorCode !== undefined ? { vendorCode } : {};
  const message = `${a.call}: ${describe(members, a.status, a.text)}`;
  const [kind, code] =
    byStatus[a.status] ?? (a.status >= 500 ? ["transient", "VENDOR_UNAVAILABLE"] : ["fatal", "VENDOR_ERROR"]);
  return { kind, code, message, ...withCode };
}
