import type { FastifyInstance, FastifyServerOptions } from "fastify";
import { allowedHosts, type HostPolicy } from "./hosts.ts";
import { capConnections, defaultLimits, timeoutOptions, type HttpLimits } from "./limits.ts";
import { loggerOptions, type LogOptions } from "./logging.ts";

export type { HostPolicy } from "./hosts.ts";
export type { HttpLimits } from "./limits.ts";
export type { LogOptions } from "./logging.ts";

/** The proxies whose X-Forwarded-For is believed: a hop count, or their addresses and CIDR ranges. */
export type TrustProxy = number | string[];

export interface Hardening {
  /** Off when unset, as tests build servers; `lifecycle start` turns it on unless LIFECYCLE_LOG=0. */
  logger?: boolean | LogOptions | undefined;
  /** Which Host headers are answered; loopback names always are. */
  hosts?: HostPolicy | undefined;
  /** Unset: the socket's peer is the client, and X-Forwarded-* are ignored. */
  trustProxy?: TrustProxy | undefined;
  /** Timeouts and caps; each unset one is its default in limits.ts. */
  limits?: Partial<HttpLimits> | undefined;
}

export function limitsOf(h: Hardening): HttpLimits {
  return { ...defaultLimits, ...h.limits };
}

/** What Fastify must be created with: timeouts, proxy trust and the log. */
export function hardenedServerOptions(
  h: Hardening,
): Pick<
  FastifyServerOptions,
  "requestTimeout" | "connectionTimeout" | "keepAliveTimeout" | "trustProxy" | "logger"
> & { http: ReturnType<typeof timeoutOptions>["http"] } {
  return {
    ...timeoutOptions(limitsOf(h)),
    ...(h.trustProxy !== undefined ? { trustProxy: trustProxyOption(h.trustProxy) } : {}),
    logger: loggerOptions(h.logger),
  };
}

// Fastify takes a hop count at run time but not in its types; this is the function it would make of one.
function trustProxyOption(t: TrustProxy): FastifyServerOptions["trustProxy"] {
  return typeof t === "number" ? (_address: string, hop: number) => hop < t : t;
}

/** What is added once it exists; before any other hook, so a refused Host costs nothing further. */
export function harden(app: FastifyInstance, h: Hardening): void {
  capConnections(app.server, limitsOf(h).maxConnections, app.log);
  app.addHook(
    "onRequest",
    allowedHosts(h.hosts ?? {}, () => app.server.address()),
  );
}
