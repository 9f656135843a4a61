import type { FastifyReply } from "fastify";

/**
 * Hudu's refusals. The spec names statuses only (401, 404, 422 "Unable to process request"); the
 * reference quotes the 429's plain-text "Retry later" (Rack::Attack) and leaves the 422 body's keys
 * [unconfirmed]: {"error": "…"} here, as the brief for this emulator chose. The wording of each message
 * is the emulator's own.
 */
export class HuduError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error: string } | string,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === "string" ? body : body.error);
  }
}

export const huduErrors = {
  unauthorized: () => new HuduError(401, { error: "Invalid API key" }),
  noPasswordAccess: () => new HuduError(401, { error: "This API key does not have access to passwords" }),
  forbidden: () => new HuduError(403, { error: "Forbidden" }),
  notFound: () => new HuduError(404, { error: "Record not found" }),
  routeNotFound: () => new HuduError(404, { error: "Not Found" }),
  unprocessable: (message: string) => new HuduError(422, { error: message }),
  archivalFailure: () => new HuduError(422, { error: "Archival Failure" }),
  /** Rack::Attack's throttled answer: 429, text/plain "Retry later", Retry-After only when configured. */
  throttled: (retryAfterSeconds: number | undefined) =>
    new HuduError(
      429,
      "Retry later\n",
      retryAfterSeconds !== undefined ? { "Retry-After": String(retryAfterSeconds) } : {},
    ),
  unexpected: (status: number) => new HuduError(status, { error: "We're sorry, but something went wrong." }),
};

export function sendHudu(
  reply: FastifyReply,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): FastifyReply {
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  reply.code(status);
  if (body === undefined) return reply.send();
  if (typeof body === "string") return reply.header("content-type", "text/plain").send(body);
  return reply.header("content-type", "application/json; charset=utf-8").send(JSON.stringify(body));
}
