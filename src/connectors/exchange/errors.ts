import type { ErrorKind } from "../../domain/errors.ts";
import type { FailureCode } from "../../domain/failure-codes.ts";
import type { Classified, VendorAnswer } from "../http/index.ts";

/** The admin API's error envelope; `details[].message` reads "ExNNNNNN|<.NET exception type>|<text>". */
export interface ExoErrorBody {
  error?: {
    code?: string;
    message?: string;
    details?: { code?: string; target?: string; message?: string }[];
    innererror?: { message?: string; type?: string; internalexception?: { message?: string; type?: string } };
  };
}

/** Exchange exception types to kinds: the knowledge MSP tools keep in string matches, as a table. */
const byException: [RegExp, ErrorKind, FailureCode][] = [
  [
    /ManagementObjectNotFoundException|RecipientNotFoundException|ObjectNotFound/,
    "not-found",
    "OBJECT_NOT_FOUND",
  ],
  [/MemberAlreadyExistsException/, "conflict", "ALREADY_MEMBER"],
  [/MemberNotFoundException/, "not-found", "NOT_A_MEMBER"],
  [/ADObjectAlreadyExistsException|ACEAlreadyExistsException/, "conflict", "ALREADY_EXISTS"],
  [/ManagementObjectAmbiguousException/, "invalid", "AMBIGUOUS"],
  [
    /ParameterBindingException|InvalidOperationException|ArgumentException|ValidationException/,
    "invalid",
    "VENDOR_INVALID",
  ],
];

export function exceptionOf(body: unknown): { type: string; text: string } | undefined {
  const err = (body as ExoErrorBody | undefined)?.error;
  for (const d of err?.details ?? []) {
    const parts = (d.message ?? "").split("|");
    if (parts.length >= 3) return { type: parts[1] ?? "", text: parts.slice(2).join("|") };
  }
  const inner = err?.innererror?.internalexception;
  if (inner?.type || inner?.message) return { type: inner.type ?? "", text: inner.message ?? "" };
  return undefined;
}

/**
 * The vendor code kept for an Exchange failure is the .NET exception type it names (what Exchange
 * admins and MSP tools search for), else the envelope's own code.
 */
export function classifyExoError(status: number, body: unknown, text: string): Classified {
  const envelope = (body as ExoErrorBody | undefined)?.error;
  const ex = exceptionOf(body);
  const vendorCode = ex?.type || envelope?.code;
  const withCode = vendorCode ? { vendorCode } : {};
  if (status === 429 || /maximum number of concurrent requests/i.test(text)) {
    return {
      kind: "throttled",
      code: "THROTTLED",
      message: "Exchange is throttling this tenant",
      ...withCode,
    };
  }
  const rule = ex && byException.find(([re]) => re.test(ex.type));
  const message = ex?.text || envelope?.message || `HTTP ${status}`;
  if (rule) return { kind: rule[1], code: rule[2], message, ...withCode };
  const [kind, code]: [ErrorKind, FailureCode] =
    status >= 500
      ? ["transient", "VENDOR_UNAVAILABLE"]
      : status === 401
        ? ["permission", "AUTH_FAILED"]
        : status === 403
          ? ["permission", "FORBIDDEN"]
          : status === 404
            ? ["not-found", "OBJECT_NOT_FOUND"]
            : ["invalid", "VENDOR_INVALID"];
  return { kind, code, message, ...withCode };
}

/** The cmdlet named in every failure's message: one InvokeCommand URL serves them all. */
export const classifyExoAnswer = (a: VendorAnswer): Classified => {
  const c = classifyExoError(a.status, a.body, a.text);
  return { ...c, message: `${a.call}: ${c.message}` };
};
