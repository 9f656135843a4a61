import { randomUUID } from "node:crypto";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { CallLog, CallRecord } from "./calls.ts";
import { sleep, type Clock } from "./clock.ts";
import { defaultHangMs, faultLabel, type FaultRule, type Faults } from "./faults.ts";
import { pickLatency, type LatencyTable } from "./latency.ts";

/**
 * What happens around every request, whichever vendor: the request gets an id and an API, a matching
 * fault fires, the vendor's API decorates its answers, errors and unknown routes are rendered by that
 * API's own renderer, the call is logged, and a mutating request tells the snapshot. The vendor's
 * routes do the rest.
 */

export const adminPrefix = "/_admin";

/** What the pipeline learns about a request as it goes, for headers, errors and the call log. */
export interface RequestInfo<Api extends string, Extra> {
  requestId: string;
  clientRequestId: string;
  startedAt: number;
  api: Api | "admin" | "other";
  tenantId: string | undefined;
  appId: string | undefined;
  insideBatch: boolean;
  fault: string | undefined;
  /** The latency class the request waited on (takeLatency), copied into the log. */
  latencyClass: string | undefined;
  /** What this vendor records beside the kit's fields (Exchange's cmdlet, say); copied into the log. */
  extra: Extra;
  /** The caller hung up before the answer; the handler goes on (a vendor acts on what it received). */
  callerGone?: boolean;
  /** Logged already: a request whose caller is gone is logged when its answer is sent to nobody. */
  logged?: boolean;
}

/** Everything the kit keeps per emulator instance; a vendor's context extends it. */
export interface KitState<Api extends string, Extra extends object> {
  clock: Clock;
  faults: Faults;
  calls: CallLog<CallRecord<Api> & Extra>;
  random: () => number;
  requests: WeakMap<object, RequestInfo<Api, Extra>>;
  /** Marks requests replayed in-process (batch items), so they skip connection-level faults. */
  batchNonce: string;
}

export const batchItemHeader = "x-emulator-batch-item";

/** A framework-level refusal: unreadable JSON, an unsupported media type, or a crash (500). */
export interface FrameworkError {
  status: number;
  code: string | undefined;
  message: string;
}

/** One vendor API's error envelope: each vendor renders its own, and only here. */
export interface ErrorRenderer<Info> {
  /** A status fault the admin injected; no Retry-After unless `rule.retryAfterSeconds` is set. */
  fault(reply: FastifyReply, rule: Extract<FaultRule, { kind: "status" }>, info: Info): FastifyReply;
  framework(reply: FastifyReply, error: FrameworkError, info: Info): FastifyReply;
  notFound(req: FastifyRequest, reply: FastifyReply, info: Info): FastifyReply;
}

export interface ApiSurface<Api extends string, Extra> {
  api: Api;
  /** Whether a request path belongs to this API. */
  owns(path: string): boolean;
  renderer: ErrorRenderer<RequestInfo<Api, Extra>>;
  /** Headers every answer of the API carries, success or error. */
  decorate?(reply: FastifyReply, info: RequestInfo<Api, Extra>): void;
}

export interface PipelineOptions<Api extends string, Extra extends object> {
  state: KitState<Api, Extra>;
  /** Checked in order; a request no API owns is "other" and gets `fallback`. */
  apis: readonly ApiSurface<Api, Extra>[];
  fallback: ErrorRenderer<RequestInfo<Api, Extra>>;
  newExtra(): Extra;
  /** The tenant a request names before it is authenticated (path segment or token), for fault matching. */
  tenantOf(req: FastifyRequest): string | undefined;
  /** After any request that may have changed state (not GET/HEAD), e.g. to schedule a snapshot. */
  onMutation?(): void;
  /** Written to stderr when a route crashes, so the cause is not lost behind the vendor's 500. */
  name: string;
}

export function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The scheme and host the client used, so links it follows come back here (X-Forwarded-* honoured). */
export function originOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

export function queryOf(req: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const query = req.query;
  if (typeof query !== "object" || query === null) return out;
  for (const [key, value] of Object.entries(query)) {
    out[key] = Array.isArray(value) ? String(value[0]) : typeof value === "string" ? value : undefined;
  }
  return out;
}

export class Pipeline<Api extends string, Extra extends object> {
  private readonly hangs = new Set<NodeJS.Timeout>();

  constructor(private readonly opts: PipelineOptions<Api, Extra>) {}

  /** The request's bookkeeping, started on first sight (routes reached by inject start it too). */
  info(req: FastifyRequest): RequestInfo<Api, Extra> {
    const known = this.opts.state.requests.get(req);
    if (known) return known;
    const requestId = randomUUID();
    const info: RequestInfo<Api, Extra> = {
      requestId,
      clientRequestId: header(req, "client-request-id") ?? requestId,
      startedAt: performance.now(),
      api: this.classify(req.url),
      tenantId: undefined,
      appId: undefined,
      insideBatch: header(req, batchItemHeader) === this.opts.state.batchNonce,
      fault: undefined,
      latencyClass: undefined,
      extra: this.opts.newExtra(),
    };
    this.opts.state.requests.set(req, info);
    return info;
  }

  private classify(url: string): RequestInfo<Api, Extra>["api"] {
    if (url.startsWith(adminPrefix)) return "admin";
    const path = url.split("?")[0] ?? url;
    return this.opts.apis.find((a) => a.owns(path))?.api ?? "other";
  }

  private surface(info: RequestInfo<Api, Extra>): ApiSurface<Api, Extra> | undefined {
    return this.opts.apis.find((a) => a.api === info.api);
  }

  private renderer(info: RequestInfo<Api, Extra>): ErrorRenderer<RequestInfo<Api, Extra>> {
    return this.surface(info)?.renderer ?? this.opts.fallback;
  }

  install(app: FastifyInstance): void {
    app.addHook("onRequest", async (req, reply) => {
      const info = this.info(req);
      if (info.api === "admin") return;
      const rule = this.opts.state.faults.take({
        method: req.method,
        url: req.url,
        tenantId: this.opts.tenantOf(req),
        insideBatch: info.insideBatch,
      });
      if (!rule) return;
      info.fault = faultLabel(rule);
      if (rule.kind === "slow") return sleep(rule.delayMs);
      if (rule.kind === "status") return this.renderer(info).fault(reply, rule, info);
      info.logged = true;
      this.log(req, 0, info);
      reply.hijack();
      if (rule.kind === "reset") {
        req.raw.socket.destroy();
        return reply;
      }
      const timer = setTimeout(() => {
        this.hangs.delete(timer);
        req.raw.socket.destroy();
      }, rule.hangMs ?? defaultHangMs);
      this.hangs.add(timer);
      return reply;
    });

    app.addHook("onRequestAbort", async (req) => {
      const info = this.opts.state.requests.get(req);
      if (info) info.callerGone = true;
    });

    app.addHook("onSend", async (req, reply, payload) => {
      const info = this.info(req);
      this.surface(info)?.decorate?.(reply, info);
      // Fastify fires no onResponse for an answer whose caller is gone; the change it made is real,
      // and a test counting the vendor's creates must see it.
      if (info.callerGone) this.finish(req, reply.statusCode, info);
      return payload;
    });

    app.addHook("onResponse", async (req, reply) => {
      const info = this.opts.state.requests.get(req);
      if (info) this.finish(req, reply.statusCode, info);
    });

    app.addHook("onClose", async () => {
      for (const timer of this.hangs) clearTimeout(timer);
      this.hangs.clear();
    });

    app.setErrorHandler((error: FastifyError, req, reply) => {
      const info = this.info(req);
      const status = error.statusCode ?? 500;
      if (status >= 500)
        process.stderr.write(`${this.opts.name} emulator: ${error.stack ?? error.message}\n`);
      return this.renderer(info).framework(reply, { status, code: error.code, message: error.message }, info);
    });

    app.setNotFoundHandler((req, reply) => {
      const info = this.info(req);
      return this.renderer(info).notFound(req, reply, info);
    });
  }

  private finish(req: FastifyRequest, status: number, info: RequestInfo<Api, Extra>): void {
    if (info.logged) return;
    info.logged = true;
    if (info.api !== "admin") this.log(req, status, info);
    if (req.method !== "GET" && req.method !== "HEAD" && !info.insideBatch) this.opts.onMutation?.();
  }

  private log(req: FastifyRequest, status: number, info: RequestInfo<Api, Extra>): void {
    const base: CallRecord<Api> = {
      at: new Date().toISOString(),
      method: req.method,
      route: req.routeOptions.url ?? req.url.split("?")[0] ?? req.url,
      url: req.url,
      api: info.api === "admin" ? "other" : info.api,
      tenantId: info.tenantId,
      appId: info.appId,
      status,
      durationMs: Math.round((performance.now() - info.startedAt) * 10) / 10,
      requestId: info.requestId,
      insideBatch: info.insideBatch,
      fault: info.fault,
      ...(info.latencyClass !== undefined ? { latencyClass: info.latencyClass } : {}),
      ...(info.callerGone ? { callerGone: true } : {}),
    };
    this.opts.state.calls.add({ ...base, ...info.extra });
  }
}

/** The generic JSON 404 for paths no API owns, and for admin misses. */
export function sendPlainJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply
    .code(status)
    .header("content-type", "application/json; charset=utf-8")
    .send(JSON.stringify(body));
}

/**
 * Waits the time the request's latency class draws, and notes the class for the call log: the bench
 * costs a step's calls at their classes' configured means, independently of how long a run took.
 */
export function takeLatency<Class extends string>(
  info: { latencyClass: string | undefined },
  table: LatencyTable<Class>,
  cls: Class,
  random: () => number,
): Promise<void> {
  info.latencyClass = cls;
  return sleep(pickLatency(table[cls], random));
}

/** The bookkeeping the pipeline started for this request (its onRequest hook runs before any route). */
export function requestInfo<Api extends string, Extra extends object>(
  state: KitState<Api, Extra>,
  req: FastifyRequest,
): RequestInfo<Api, Extra> {
  const info = state.requests.get(req);
  if (!info) throw new Error(`request ${req.method} ${req.url} was not seen by the emulator pipeline`);
  return info;
}
