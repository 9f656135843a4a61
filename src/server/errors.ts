import type { FastifyReply, FastifyRequest } from "fastify";
import { LifecycleError, type ErrorKind } from "../domain/errors.ts";
import type { FieldError } from "../domain/result.ts";

/**
 * Every error the API can answer with. Codes are part of the contract: clients branch on them and the
 * console words them, so a code is never renamed or reused for another meaning; add a new one instead.
 */
export const errorCatalogue = {
  LC_ERR_VALIDATION: {
    status: 400,
    description: "The request is well-formed but not valid; `fields` names each field at fault when known.",
  },
  LC_ERR_MALFORMED_REQUEST: {
    status: 400,
    description: "The request could not be read at all, e.g. a body that is not JSON.",
  },
  LC_ERR_UNAUTHENTICATED: {
    status: 401,
    description:
      "Neither a valid session cookie nor a valid `Authorization: Bearer <token>` header (a personal API token) was sent.",
  },
  LC_ERR_FORBIDDEN: {
    status: 403,
    description:
      "The caller is known but may not do this: their role lacks the permission, or the client is not theirs.",
  },
  LC_ERR_CSRF: {
    status: 403,
    description:
      "A change made with a session cookie without its CSRF token (`x-csrf-token`, from sign-in or /api/auth/me).",
  },
  LC_ERR_NOT_FOUND: {
    status: 404,
    description: "No such route, client or run.",
  },
  LC_ERR_METHOD_NOT_ALLOWED: {
    status: 405,
    description: "The path exists but does not answer this method; the Allow header lists those it does.",
  },
  LC_ERR_TIMEOUT: {
    status: 408,
    description: "The request did not arrive in full in time; the connection is closed.",
  },
  LC_ERR_CONFLICT: {
    status: 409,
    description: "The request contradicts the current state, e.g. cancelling a run that has finished.",
  },
  LC_ERR_RUN_STARTED: {
    status: 409,
    description:
      "The run has begun, or ended: what was asked (a reschedule) applies only to a run that has not started.",
  },
  LC_ERR_GONE: {
    status: 410,
    description: "It existed but is no longer available, e.g. a one-time link already opened or expired.",
  },
  LC_ERR_PAYLOAD_TOO_LARGE: {
    status: 413,
    description: "The body is larger than the server accepts.",
  },
  LC_ERR_URI_TOO_LONG: {
    status: 414,
    description: "A segment of the path is longer than the server routes.",
  },
  LC_ERR_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    description: "The body's content type is not application/json.",
  },
  LC_ERR_HOST_NOT_ALLOWED: {
    status: 421,
    description:
      "The Host header names an address this server does not answer for: not its public URL, a loopback " +
      "name, its listening address or an allowed host. This is what keeps a page on another site, whose " +
      "name has been pointed at this server (DNS rebinding), from reading it.",
  },
  LC_ERR_RATE_LIMITED: {
    status: 429,
    description:
      "Too many requests of this kind from this address or for this link, or too many live streams open " +
      "for one caller; `Retry-After` says when to try again.",
  },
  LC_ERR_HEADERS_TOO_LARGE: {
    status: 431,
    description: "The request's headers are larger than the server accepts; the connection is closed.",
  },
  LC_ERR_INTERNAL: {
    status: 500,
    description: "Something failed on the server; the message carries a request id to find it in the log.",
  },
  LC_ERR_UNAVAILABLE: {
    status: 503,
    description: "A dependency (the database) is not answering; try again later.",
  },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof errorCatalogue;
export const errorCodes = Object.keys(errorCatalogue) as ErrorCode[];

/** An error the API renders as it is: its code, message and fields are meant for the caller. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldError[] | undefined;
  constructor(code: ErrorCode, message: string, options: { fields?: FieldError[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "ApiError";
    this.code = code;
    this.fields = options.fields;
  }
  get status(): number {
    return errorCatalogue[this.code].status;
  }
}

/** What the route validator hands Fastify, so the handler can tell field errors from other 400s. */
export class RequestValidationError extends Error {
  readonly fields: FieldError[];
  constructor(fields: FieldError[]) {
    super(`invalid ${fields.map((f) => f.field).join(", ")}`);
    this.name = "RequestValidationError";
    this.fields = fields;
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; fields?: FieldError[] };
}

export function errorBody(err: ApiError): ErrorBody {
  return { error: { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) } };
}

const byKind: Record<ErrorKind, ErrorCode> = {
  invalid: "LC_ERR_VALIDATION",
  "not-found": "LC_ERR_NOT_FOUND",
  conflict: "LC_ERR_CONFLICT",
  permission: "LC_ERR_FORBIDDEN",
  transient: "LC_ERR_INTERNAL",
  throttled: "LC_ERR_INTERNAL",
  fatal: "LC_ERR_INTERNAL",
};

// Fastify's own client errors (body parsing, content type, size) carry a 4xx status and a message about
// the request itself, which is safe to repeat.
const byFastifyStatus: Record<number, ErrorCode> = {
  400: "LC_ERR_MALFORMED_REQUEST",
  404: "LC_ERR_NOT_FOUND",
  405: "LC_ERR_METHOD_NOT_ALLOWED",
  408: "LC_ERR_TIMEOUT",
  413: "LC_ERR_PAYLOAD_TOO_LARGE",
  414: "LC_ERR_URI_TOO_LONG",
  415: "LC_ERR_UNSUPPORTED_MEDIA_TYPE",
  431: "LC_ERR_HEADERS_TOO_LARGE",
};

/** Known errors keep their meaning; anything else becomes `undefined`, to be rendered as an internal error. */
export function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof RequestValidationError)
    return new ApiError("LC_ERR_VALIDATION", "the request is not valid", { fields: err.fields });
  if (err instanceof LifecycleError) {
    if (err.failure.code === "RUN_STARTED")
      return new ApiError("LC_ERR_RUN_STARTED", err.message, { cause: err });
    const code = byKind[err.failure.kind];
    return code === "LC_ERR_INTERNAL" ? undefined : new ApiError(code, err.message, { cause: err });
  }
  if (isCsrfError(err))
    return new ApiError("LC_ERR_CSRF", "send the session's CSRF token as x-csrf-token", { cause: err });
  const fields = ajvFields(err);
  if (fields) return new ApiError("LC_ERR_VALIDATION", "the request is not valid", { fields, cause: err });
  const status = statusOf(err);
  if (status !== undefined && status >= 400 && status < 500 && err instanceof Error) {
    return new ApiError(byFastifyStatus[status] ?? "LC_ERR_MALFORMED_REQUEST", err.message, { cause: err });
  }
  return undefined;
}

// @fastify/csrf-protection's own errors (a missing secret cookie, a wrong or missing token).
const isCsrfError = (err: unknown) =>
  typeof err === "object" && err !== null && "code" in err && String(err.code).startsWith("FST_CSRF_");

function statusOf(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null || !("statusCode" in err)) return undefined;
  return typeof err.statusCode === "number" ? err.statusCode : undefined;
}

interface AjvIssue {
  instancePath?: string;
  message?: string;
  params?: { missingProperty?: string; additionalProperty?: string };
}

/**
 * Routes validate with zod, but a schema compiled by Fastify's default (ajv) would fail with a
 * `validation` list instead: it still has to come out as field errors, not as a 500 or a bare message.
 */
function ajvFields(err: unknown): FieldError[] | undefined {
  if (typeof err !== "object" || err === null || !("validation" in err) || !Array.isArray(err.validation))
    return undefined;
  const context =
    "validationContext" in err && typeof err.validationContext === "string" ? err.validationContext : "input";
  return (err.validation as AjvIssue[]).map((issue) => {
    const path = (issue.instancePath ?? "").split("/").filter(Boolean);
    if (issue.params?.missingProperty)
      return { field: [...path, issue.params.missingProperty].join("."), message: "is required" };
    if (issue.params?.additionalProperty)
      return { field: [...path, issue.params.additionalProperty].join("."), message: "is not a known field" };
    return { field: path.length ? path.join(".") : context, message: issue.message ?? "is not valid" };
  });
}

/** The one place an error becomes a response. Internals are logged, never sent. */
export function handleError(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = toApiError(err);
  if (known) {
    // A 5xx that is known (the database is down) is still the server's problem, worth an operator's look.
    if (known.status >= 500) request.log.error({ code: known.code, err }, known.message);
    else request.log.info({ code: known.code, err }, known.message);
    return reply.code(known.status).send(errorBody(known));
  }
  request.log.error({ err }, "unhandled error");
  const internal = new ApiError(
    "LC_ERR_INTERNAL",
    `internal error (request ${request.id}); the server log has the details`,
  );
  return reply.code(internal.status).send(errorBody(internal));
}

/**
 * No route matched: 405 with an Allow header when the path is served by other methods (`allowed` says
 * which), else 404.
 */
export function notFoundHandler(
  allowed: (path: string) => string[],
): (request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    const methods = allowed(path);
    if (methods.length) {
      const err = new ApiError(
        "LC_ERR_METHOD_NOT_ALLOWED",
        `${path} does not answer ${request.method}; it answers ${methods.join(", ")}`,
      );
      return reply.code(err.status).header("allow", methods.join(", ")).send(errorBody(err));
    }
    const err = new ApiError("LC_ERR_NOT_FOUND", `no route ${request.method} ${path}`);
    return reply.code(err.status).send(errorBody(err));
  };
}

/** Shared schemas for the OpenAPI document, referenced by every route's error responses. */
export const errorSchemas = [
  {
    $id: "ErrorCode",
    type: "string",
    enum: errorCodes,
    description: errorCodes
      .map((c) => `- \`${c}\` (${errorCatalogue[c].status}): ${errorCatalogue[c].description}`)
      .join("\n"),
  },
  {
    $id: "FieldError",
    type: "object",
    required: ["field", "message"],
    additionalProperties: false,
    properties: {
      field: {
        type: "string",
        description: 'Dotted path of the field at fault, e.g. "actions.forwardTo.address".',
      },
      message: { type: "string" },
    },
  },
  {
    $id: "ErrorResponse",
    type: "object",
    required: ["error"],
    additionalProperties: false,
    properties: {
      error: {
        type: "object",
        required: ["code", "message"],
        additionalProperties: false,
        properties: {
          code: { $ref: "ErrorCode#" },
          message: { type: "string" },
          fields: { type: "array", items: { $ref: "FieldError#" } },
        },
      },
    },
  },
] as const;

/** What any route with a JSON body can answer before its handler runs. */
export const bodyErrors: ErrorCode[] = [
  "LC_ERR_MALFORMED_REQUEST",
  "LC_ERR_UNSUPPORTED_MEDIA_TYPE",
  "LC_ERR_PAYLOAD_TOO_LARGE",
];

/** Response entries for a route's possible errors, all in the one envelope. */
export function errorResponses(...codes: ErrorCode[]): Record<number, { description: string; $ref: string }> {
  const out: Record<number, { description: string; $ref: string }> = {};
  for (const code of [...codes, "LC_ERR_INTERNAL" as const]) {
    const { status } = errorCatalogue[code];
    const seen = out[status];
    out[status] = { $ref: "ErrorResponse#", description: seen ? `${seen.description}, ${code}` : code };
  }
  return out;
}
