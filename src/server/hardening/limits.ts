import type { FastifyBaseLogger, FastifyServerOptions } from "fastify";
import type { Server } from "node:http";

/** How long a connection may take and how many the server holds: what one slow or greedy client can cost. */
export interface HttpLimits {
  /** The whole request, headers and body, must have arrived by then; else 408 and the socket is closed. */
  requestTimeoutMs: number;
  /** The headers alone, by then. */
  headersTimeoutMs: number;
  /**
   * A socket with no traffic either way for this long is closed: a client that stopped reading its answer.
   * Longer than an event stream's keep-alive comment (15 s), which counts as traffic, and than a handler
   * can wait on a vendor before answering (a submit's pre-flight reads; Exchange allows 120 s a call).
   */
  idleTimeoutMs: number;
  /** An idle kept-alive connection is closed after this; longer than a load balancer's usual 60 s. */
  keepAliveTimeoutMs: number;
  /** How often Node looks for requests past their time; its 30 s default would let one run to twice it. */
  timeoutCheckMs: number;
  /** Connections open at once; past it Node closes new ones on accept, before reading a byte. */
  maxConnections: number;
  /** Live event streams one caller (signed-in account, else address) holds open at once. */
  maxStreamsPerCaller: number;
}

/**
 * A request body is at most 1 MB (Fastify's limit), which even a slow line delivers in far less than 30 s;
 * 512 connections is many times a small MSP's staff with a browser each (six connections apiece at most)
 * and well under the usual 1,024 file descriptors the database's files share. Each event stream reads the
 * database every second, so one caller's few tabs are welcome and a loop opening hundreds is not.
 */
export const defaultLimits: HttpLimits = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 15_000,
  idleTimeoutMs: 300_000,
  keepAliveTimeoutMs: 72_000,
  timeoutCheckMs: 2_000,
  maxConnections: 512,
  maxStreamsPerCaller: 8,
};

/** The Fastify (and Node http.Server) options that carry the timeouts. */
export function timeoutOptions(l: HttpLimits): Pick<
  FastifyServerOptions,
  "requestTimeout" | "connectionTimeout" | "keepAliveTimeout"
> & {
  http: {
    requestTimeout: number;
    headersTimeout: number;
    connectionsCheckingInterval: number;
    requireHostHeader: boolean;
  };
} {
  return {
    requestTimeout: l.requestTimeoutMs,
    connectionTimeout: l.idleTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    http: {
      requestTimeout: l.requestTimeoutMs,
      headersTimeout: l.headersTimeoutMs,
      connectionsCheckingInterval: l.timeoutCheckMs,
      // The Host allow-list answers a missing Host in the product's envelope instead of Node's bare 400.
      requireHostHeader: false,
    },
  };
}

/** Caps the connections; a refused one is logged at most once a minute, so a flood cannot flood the log. */
export function capConnections(server: Server, max: number, log: FastifyBaseLogger): void {
  server.maxConnections = max;
  let lastWarned = 0;
  let dropped = 0;
  server.on("drop", () => {
    dropped++;
    const now = Date.now();
    if (now - lastWarned < 60_000) return;
    lastWarned = now;
    log.warn({ maxConnections: max, dropped }, "connections refused: the server holds as many as it allows");
    dropped = 0;
  });
}
