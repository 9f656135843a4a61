import type { FastifyServerOptions, onRequestAsyncHookHandler, RouteOptions } from "fastify";
import type { Socket } from "node:net";
import { ApiError, errorBody, handleError, type ErrorCode } from "./errors.ts";

/**
 * Fastify answers a few errors itself, outside any route (a path segment too long for its router, a
 * %-escape that is not UTF-8), and Node answers others before there is a request at all (a request that
 * took too long to arrive, headers too large, bytes that are not HTTP). Each gets the product's envelope
 * and a catalogued code here, so a client never has to read two error shapes.
 */

/**
 * Router failures, after the same bearer check the /api routes make: the router gives up before any
 * route's hooks run, so without this an unauthenticated caller could tell a long path from a wrong token.
 */
export function frameworkErrors(
  authenticate: onRequestAsyncHookHandler | undefined,
): NonNullable<FastifyServerOptions["frameworkErrors"]> {
  return (err, request, reply) => {
    const answer = async () => {
      if (authenticate && isApiPath(request.url)) await authenticate.call(request.server, request, reply);
      throw routerError(err.code);
    };
    answer().catch((e: unknown) => handleError(e, request, reply));
  };
}

const isApiPath = (url: string) => url === "/api" || url.startsWith("/api/") || url.startsWith("/api?");

function routerError(code: string): ApiError | Error {
  if (code === "FST_ERR_MAX_PARAM_LENGTH")
    return new ApiError("LC_ERR_URI_TOO_LONG", `a path segment is longer than ${maxParamLength} characters`);
  if (code === "FST_ERR_BAD_URL")
    return new ApiError(
      "LC_ERR_MALFORMED_REQUEST",
      "the path holds a %-escape that does not decode as UTF-8",
    );
  // An async route constraint failed: none is declared, so this is the server's fault.
  return new Error(`router failure ${code}`);
}

/**
 * Longer than any identifier a route takes, so an over-long one is refused by the route's own schema (a
 * field error, after auth); only a segment past this is the router's 414.
 */
export const maxParamLength = 1024;

const beforeRequest: Record<string, ErrorCode> = {
  ERR_HTTP_REQUEST_TIMEOUT: "LC_ERR_TIMEOUT",
  HPE_HEADER_OVERFLOW: "LC_ERR_HEADERS_TOO_LARGE",
};

const reasons: Partial<Record<ErrorCode, string>> = {
  LC_ERR_TIMEOUT: "the request did not arrive in time",
  LC_ERR_HEADERS_TOO_LARGE: "the request's headers are larger than the server accepts",
};

const statusLines: Partial<Record<ErrorCode, string>> = {
  LC_ERR_TIMEOUT: "408 Request Timeout",
  LC_ERR_HEADERS_TOO_LARGE: "431 Request Header Fields Too Large",
};

/**
 * Node's `clientError`: no request was parsed, so nothing is known of the caller and no auth can come
 * first. The reply is written on the socket, as Node's own would be, and the connection closed.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const code: ErrorCode = (err.code && beforeRequest[err.code]) || "LC_ERR_MALFORMED_REQUEST";
  const body = JSON.stringify(
    errorBody(new ApiError(code, reasons[code] ?? "the request is not valid HTTP")),
  );
  if (socket.writable && socket.bytesWritten === 0) {
    socket.write(
      `HTTP/1.1 ${statusLines[code] ?? "400 Bad Request"}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/** The methods each route path answers, to tell "no such path" (404) from "not with this method" (405). */
export class RouteMethods {
  readonly #routes: { segments: string[]; methods: Set<string> }[] = [];

  record(route: RouteOptions): void {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const segments = route.url.split("/");
    const same = this.#routes.find((r) => r.segments.join("/") === route.url);
    if (same) for (const m of methods) same.methods.add(m);
    else this.#routes.push({ segments, methods: new Set(methods) });
  }

  /** Every method some route answers at this concrete path ("/api/runs/123"), sorted. */
  allowed(path: string): string[] {
    const parts = path.split("/");
    const out = new Set<string>();
    for (const r of this.#routes) {
      if (r.segments.length !== parts.length) continue;
      if (r.segments.every((s, i) => (s.startsWith(":") ? parts[i] !== "" : s === parts[i])))
        for (const m of r.methods) out.add(m);
    }
    return [...out].sort();
  }
}
