import type { FastifyReply } from "fastify";

/**
 * ConnectWise's error envelope, as the reference (§2) quotes it: {code, message, errors[{code, message,
 * resource, field}]}; `errors` is null when there are none. A 429 has a body of its own.
 */
export interface CwFieldError {
  code: string;
  message: string;
  resource: string;
  field: string;
}

export interface CwEnvelope {
  code: string;
  message: string;
  errors: CwFieldError[] | null;
}

export class CwError extends Error {
  constructor(
    readonly status: number,
    readonly body: CwEnvelope | { error: string; message: string },
    readonly headers: Record<string, string> = {},
  ) {
    super("message" in body ? body.message : String(status));
  }
}

export const cwErrors = {
  notFound: (what: string, id: string | number) =>
    new CwError(404, { code: "NotFound", message: `${what} ID ${id} not found`, errors: null }),
  routeNotFound: (path: string) =>
    new CwError(404, { code: "NotFound", message: `No resource was found at ${path}`, errors: null }),
  methodNotAllowed: (method: string) =>
    new CwError(405, {
      code: "MethodNotAllowed",
      message: `The requested resource does not support http method '${method}'.`,
      errors: null,
    }),
  /** "ticket object is invalid" with the field errors that made it so (InvalidObject, §2). */
  invalidObject: (resource: string, errors: CwFieldError[]) =>
    new CwError(400, { code: "InvalidObject", message: `${resource} object is invalid`, errors }),
  /** A query the emulator does not understand: refused, never ignored (the exact text is the emulator's). */
  badQuery: (parameter: string, message: string) =>
    new CwError(400, {
      code: "InvalidObject",
      message: `The ${parameter} are invalid.`,
      errors: [{ code: "InvalidField", message, resource: parameter, field: parameter }],
    }),
  badBody: (message: string) => new CwError(400, { code: "InvalidObject", message, errors: null }),
  /** No or unreadable Authorization header. */
  unauthorized: (status: number) =>
    new CwError(status, { code: "Unauthorized", message: "Unauthorized", errors: null }),
  /** Keys that do not sign in to the company (the PowerShell module's "UserNotAuthenticated"). */
  notAuthenticated: (status: number) =>
    new CwError(status, { code: "ConnectWiseApi", message: "UserNotAuthenticated", errors: null }),
  /** No clientId header, or one this site does not know (the text is the emulator's). */
  clientId: (status: number, message: string) =>
    new CwError(status, { code: "Unauthorized", message, errors: null }),
  forbidden: () =>
    new CwError(403, {
      code: "Security",
      message: "You do not have security permission to perform this action.",
      errors: null,
    }),
  /** §2: "429 Too Many Requests + Retry-After (seconds)" with the body the reference quotes. */
  throttled: (seconds: number) =>
    new CwError(
      429,
      { error: "ConnectWiseAPI", message: `Too many requests. Please try again in ${seconds} seconds.` },
      { "Retry-After": String(seconds) },
    ),
  unexpected: (status: number) =>
    new CwError(status, {
      code: "ConnectWiseApi",
      message: "An unexpected error has occurred.",
      errors: null,
    }),
};

export function sendCwJson(
  reply: FastifyReply,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): FastifyReply {
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  reply.code(status).header("content-type", "application/json; charset=utf-8");
  return body === undefined ? reply.send() : reply.send(JSON.stringify(body));
}
