import { randomUUID } from "node:crypto";
import { LifecycleError } from "../../domain/errors.ts";
import { recordVendorCall } from "../../observability/vendor-calls.ts";
import { maxBatchSize } from "./batch.ts";
import { BatchCoalescer } from "./coalesce.ts";
import { classifyGraphError, GraphError, retryAfterMs } from "./errors.ts";

export interface GraphCall {
  method: string;
  path: string;
  status: number;
  requestId: string | undefined;
  ms: number;
}

export interface GraphTransportOptions {
  /** e.g. https://graph.microsoft.com (the emulator's URL in tests and the demo). */
  baseUrl: string;
  token: () => Promise<string>;
  /** Retries inside one step for throttling and 5xx; past this the step hands back to the engine. */
  maxRetries?: number;
  /** A Retry-After longer than this is not slept through: the engine reschedules without a worker. */
  maxInlineWaitMs?: number;
  backoffBaseMs?: number;
  onCall?: (call: GraphCall) => void;
  signal?: AbortSignal;
  /** Coalesce requests sent within this many ms into JSON $batch calls; 0 sends each on its own. */
  batchWindowMs?: number;
  /**
   * A call without an answer by then fails as transient: a hung connection must not hold a worker (whose
   * heartbeat keeps the lease alive) forever. Graph's own slowest calls answer within 60 s.
   */
  requestTimeoutMs?: number;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Advanced queries need ConsistencyLevel: eventual (and $count=true), resent on every page. */
  eventual?: boolean;
  /** Right after a create, another replica may not know the object yet: retry 404 for this long. */
  notFoundGraceMs?: number;
  /**
   * Not safe to repeat blindly (sendMail): a 5xx or a dropped connection may have come after Graph did it,
   * so only a 429 (refused, so not done) is retried here; the caller decides about the rest.
   */
  once?: boolean;
}

export interface GraphResponse<T> {
  status: number;
  body: T;
  requestId: string | undefined;
  headers: Headers;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
      },
      { once: true },
    );
  });

/**
 * Graph over fetch: bearer token, the request ids kept, 429/5xx retried honouring Retry-After, 404 right
 * after a create retried for a grace window, and every failure a typed GraphError.
 */
export class GraphTransport {
  private readonly opts: Required<Omit<GraphTransportOptions, "onCall" | "signal">> &
    Pick<GraphTransportOptions, "onCall" | "signal">;
  private readonly coalescer: BatchCoalescer | undefined;

  constructor(opts: GraphTransportOptions) {
    this.opts = {
      maxRetries: 4,
      maxInlineWaitMs: 10_000,
      backoffBaseMs: 500,
      batchWindowMs: 0,
      requestTimeoutMs: 90_000,
      ...opts,
      baseUrl: opts.baseUrl.replace(/\/+$/, ""),
    };
    this.coalescer =
      this.opts.batchWindowMs > 0
        ? new BatchCoalescer(
            this.opts.batchWindowMs,
            maxBatchSize,
            (r) => this.exchange(r.method, r.path, r.headers, r.body),
            (body) =>
              this.exchange("POST", "/$batch", { "content-type": "application/json" }, body, "$batch"),
          )
        : undefined;
  }

  url(path: string): string {
    return /^https?:\/\//.test(path)
      ? path
      : `${this.opts.baseUrl}/v1.0${path.startsWith("/") ? path : `/${path}`}`;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<GraphResponse<T>> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const res = await this.send(method, path, options);
      const requestId = res.headers.get("request-id") ?? undefined;
      recordVendorCall({
        api: "graph",
        call: `${method} ${path.split("?")[0]}`,
        status: res.status,
        requestId,
      });
      let text: string;
      try {
        text = await res.text();
      } catch (err) {
        throw networkFailure(`${method} ${path}`, err, this.opts.requestTimeoutMs, requestId);
      }
      const body = parseBody(text, res.headers.get("content-type"));
      if (res.ok) return { status: res.status, body: body as T, requestId, headers: res.headers };
      const failure = classifyGraphError(
        res.status,
        body,
        requestId,
        retryAfterMs(res.headers.get("retry-after")),
      );
      const lagging =
        failure.kind === "not-found" &&
        options.notFoundGraceMs !== undefined &&
        Date.now() - started < options.notFoundGraceMs;
      const retryable = options.once
        ? res.status === 429
        : failure.kind === "throttled" || failure.kind === "transient" || lagging;
      if (!retryable || attempt >= this.opts.maxRetries) throw new GraphError(failure, res.status, body);
      const wait = failure.retryAfterMs ?? this.opts.backoffBaseMs * 2 ** attempt * (0.5 + Math.random() / 2);
      // A long Retry-After is the engine's to wait out, holding no worker.
      if (wait > this.opts.maxInlineWaitMs) throw new GraphError(failure, res.status, body);
      await sleep(wait, this.opts.signal);
    }
  }

  private send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = {
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      ...(options.eventual ? { consistencylevel: "eventual" } : {}),
      ...options.headers,
    };
    // Absolute URLs are nextLinks: those pages are fetched as given, never inside a batch.
    if (this.coalescer && !/^https?:\/\//.test(path))
      return this.coalescer.send({ method, path, headers, body: options.body });
    return this.exchange(method, path, headers, options.body);
  }

  /** One HTTP exchange with Graph; `callPath` names it in the call log when it is not `path`. */
  private async exchange(
    method: string,
    path: string,
    extraHeaders: Record<string, string>,
    body: unknown,
    callPath = path,
  ): Promise<Response> {
    const clientRequestId = randomUUID();
    const headers: Record<string, string> = {
      authorization: `Bearer ${await this.opts.token()}`,
      "client-request-id": clientRequestId,
      ...extraHeaders,
    };
    const t0 = Date.now();
    let res: Response;
    try {
      res = await fetch(this.url(path), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: withTimeout(this.opts.requestTimeoutMs, this.opts.signal),
      });
    } catch (err) {
      throw networkFailure(`${method} ${path}`, err, this.opts.requestTimeoutMs, clientRequestId);
    }
    this.opts.onCall?.({
      method,
      path: callPath,
      status: res.status,
      requestId: res.headers.get("request-id") ?? undefined,
      ms: Date.now() - t0,
    });
    return res;
  }

  /** Every item of a collection, following @odata.nextLink verbatim (headers are resent on each page). */
  async *pages<T>(path: string, options: RequestOptions = {}): AsyncGenerator<T> {
    let next: string | undefined = path;
    while (next) {
      const page: GraphResponse<{ value: T[]; "@odata.nextLink"?: string }> = await this.request(
        "GET",
        next,
        options,
      );
      yield* page.body.value;
      next = page.body["@odata.nextLink"];
    }
  }

  async all<T>(path: string, options: RequestOptions = {}): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this.pages<T>(path, options)) out.push(item);
    return out;
  }
}

export function withTimeout(ms: number, signal: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([timeout, signal]) : timeout;
}

/** A call that got no (whole) answer: it may or may not have happened, and may work on a retry. */
export function networkFailure(
  call: string,
  err: unknown,
  timeoutMs: number,
  requestId: string | undefined,
): LifecycleError {
  const timedOut = err instanceof Error && err.name === "TimeoutError";
  return new LifecycleError(
    {
      kind: "transient",
      code: timedOut ? "Timeout" : "NetworkError",
      message: timedOut
        ? `${call}: no answer within ${timeoutMs / 1000} s`
        : `${call}: ${(err as Error).message}`,
      requestId,
    },
    { cause: err },
  );
}

function parseBody(text: string, contentType: string | null): unknown {
  if (!text) return undefined;
  if (contentType?.includes("json")) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new LifecycleError({
        kind: "transient",
        code: "MalformedResponse",
        message: `unreadable JSON from Graph: ${(err as Error).message}`,
      });
    }
  }
  return text;
}
