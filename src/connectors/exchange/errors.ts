import type { ErrorKind, Failure } from "../../domain/errors.ts";

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
const byException: [RegExp, ErrorKind, string][] = [
  [
    /ManagementObjectNotFoundException|RecipientNotFoundException|ObjectNotFound/,
    "not-found",
    "ObjectNotFound",
  ],
  [/MemberAlreadyExistsException/, "conflict", "AlreadyMember"],
  [/MemberNotFoundException/, "not-found", "NotAMember"],
  [/ADObjectAlreadyExistsException|ACEAlreadyExistsException/, "conflict", "AlreadyExists"],
  [/ManagementObjectAmbiguousException/, "invalid", "Ambiguous"],
  [
    /ParameterBindingException|InvalidOperationException|ArgumentException|ValidationException/,
    "invalid",
    "InvalidParameter",
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

export function classifyExoError(
  status: number,
  body: unknown,
  text: string,
  requestId: string | undefined,
  retryAfterMs: number | undefined,
): Failure {
  if (status === 429 || /maximum number of concurrent requests/i.test(text)) {
    return {
      kind: "throttled",
      code: "TooManyRequests",
      message: "Exchange is throttling this tenant",
      requestId,
      retryAfterMs,
    };
  }
  const ex = exceptionOf(body);
  const rule = ex && byException.find(([re]) => re.test(ex.type));
  const message = ex?.text || (body as ExoErrorBody | undefined)?.error?.message || `HTTP ${status}`;
  if (rule) return { kind: rule[1], code: rule[2], message, requestId };
  const kind: ErrorKind =
    status >= 500
      ? "transient"
      : status === 401 || status === 403
        ? "permission"
        : status === 404
          ? "not-found"
          : "invalid";
  return {
    kind,
    code: (body as ExoErrorBody | undefined)?.error?.code ?? String(status),
    message,
    requestId,
  };
}
