import { randomUUID } from "node:crypto";
import { LifecycleError, type ErrorKind } from "../../domain/errors.ts";
import type { FailureCode } from "../../domain/failure-codes.ts";
import type { VendorCall } from "../../domain/outcome.ts";
import { recordVendorCall, stepIsUrgent, stepSignal } from "../../observability/step-scope.ts";
import { BatchCoalescer, type BatchEnvelope } from "./batch.ts";
import { backoffMs, retryAfterMs } from "./retry-after.ts";
import { sleep, withTimeout } from "./signal.ts";
import { networkFailure, VendorError } from "./vendor-error.ts";

/** A vendor's answer that was not a success, as its table reads it. */
export interface VendorAnswer {
  /** The call as the step's record names it (see HttpRequest.call). */
  call: string;
  status: number;
  headers: Headers;
  /** Parsed JSON when it was JSON, else the text. */
  body: unknown;
  text: string;
  requestId: string | undefined;
}

/** What a vendor's table says an answer means; everything else (api, status, body, wait) is kept for it. */
export interface Classified {
  kind: ErrorKind;
  code: FailureCode;
  message: string;
  /** The vendor's own code as sent, when it has one. */
  vendorCode?: string;
  /**
   * How long the vendor's documentation says such an answer lasts when the answer itself sends no
   * Retry-After (an Autotask suspension): a header, when sent, still wins.
   */
  retryAfterMs?: number;
}

export interface HttpCall {
  method: string;
  call: string;
  status: number;
  requestId: string | undefined;
  ms: number;
}

export interface HttpClientOptions {
  /** Names the API in the step's record and in failures; the engine throttles this bucket on a 429. */
  api: VendorCall["api"];
  /** The vendor's table: status and body to kind and catalogued code. */
  classify: (answer: VendorAnswer) => Classified;
  /** Headers that authenticate one exchange, asked for each time (the source caches its token). */
  authenticate?: () => Promise<Record<string, string>>;
  /**
   * A 401 may mean the cached token was revoked before its expiry: with this, the token is dropped and the
   * call tried once more. Without it a 401 fails at once (a wrong credential stays wrong).
   */
  reauthenticate?: () => void;
  /** Where the vendor puts its request id; the first header present wins. */
  requestIdHeaders?: readonly string[];
  /** The header a request id of our own is sent in, so a call that got no answer can still be found. */
  clientRequestIdHeader?: string;
  /** Retries inside one step for throttling and 5xx; past this the step hands back to the engine. */
  maxRetries?: number;
  /** A Retry-After longer than this is not slept through: the engine reschedules without a worker. */
  maxInlineWaitMs?: number;
  backoffBaseMs?: number;
  /** A call without an answer by then fails as transient: a hung connection must not hold a worker. */
  requestTimeoutMs?: number;
  /** Coalesce batchable requests sent within windowMs into one batch posted to `url`. */
  batching?: { windowMs: number; envelope: BatchEnvelope; url: string; headers?: Record<string, string> };
  /** Every exchange on the wire (a batch counts once), for metrics and benchmarks. */
  onExchange?: (c: HttpCall) => void;
}

export interface HttpRequest {
  method: string;
  url: string;
  /**
   * How the call is named in the step's record and in failures: "GET /users/{upn}" without the query
   * string (it may name people), or the operation (an Exchange cmdlet).
   */
  call: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as application/x-www-form-urlencoded instead of `body`. */
  form?: Record<string, string>;
  /** Right after a create another replica may not know the object yet: retry not-found for this long. */
  notFoundGraceMs?: number;
  /**
   * Not safe to repeat blindly (sending mail, posting a note): a 5xx or a dropped connection may have
   * come after the vendor did it, so only a 429 (refused, so not done) is retried; the caller decides the rest.
   */
  once?: boolean;
  /**
   * May travel inside a coalesced batch (when the client batches), named there by this URL: relative to
   * the API root for Graph, absolute for Exchange's admin API.
   */
  batchUrl?: string;
  /** Work shared by several steps (a token request): only its timeout ends it, not one step's signal. */
  detached?: boolean;
}

export interface HttpResponse<T> {
  status: number;
  body: T;
  requestId: string | undefined;
  headers: Headers;
}

const defaultRequestIdHeaders = ["request-id", "x-request-id", "x-ms-request-id", "x-correlation-id"];

/**
 * The one retry loop every connector uses: authentication per exchange, the step's signal down to the
 * socket, a deadline per exchange, 429 and 5xx retried honouring Retry-After (jittered backoff without
 * one), a long Retry-After handed to the engine, `once` for calls not safe to repeat, not-found grace after
 * creates, optional coalescing into batches, each call recorded for the step, and every failure a
 * VendorError from the vendor's own table.
 *
 * A call that got no answer (a dropped connection, a timeout) is never resent here, `once` or not: it may
 * have happened, and resending a create would meet its own object as a conflict. It fails transient, and
 * the engine's retry plans the step again first, which finds what the lost call did.
 */
export class HttpClient {
  private readonly o: Required<
    Omit<HttpClientOptions, "authenticate" | "reauthenticate" | "batching" | "onExchange">
  > &
    Pick<HttpClientOptions, "authenticate" | "reauthenticate" | "batching" | "onExchange">;
  private readonly coalescer: BatchCoalescer | undefined;

  constructor(opts: HttpClientOptions) {
    this.o = {
      requestIdHeaders: defaultRequestIdHeaders,
      clientRequestIdHeader: "client-request-id",
      maxRetries: 4,
      maxInlineWaitMs: 10_000,
      backoffBaseMs: 500,
      requestTimeoutMs: 90_000,
      ...opts,
    };
    const batching = this.o.batching;
    this.coalescer =
      batching && batching.windowMs > 0
        ? new BatchCoalescer({
            windowMs: batching.windowMs,
            envelope: batching.envelope,
            postBatch: (body) =>
              this.exchange(
                {
                  method: "POST",
                  url: batching.url,
                  call: "$batch",
                  headers: { "content-type": "application/json", ...batching.headers },
                  body,
                },
                undefined,
              ),
          })
        : undefined;
  }

  async request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const started = Date.now();
    const signal = req.detached ? undefined : stepSignal();
    let reauthenticated = false;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.send(req, signal);
      } catch (err) {
        // A batched request is waited for, not fetched, here: its failures arrive unwrapped.
        if (err instanceof LifecycleError) throw err;
        throw networkFailure(this.o.api, req.call, err, this.o.requestTimeoutMs, undefined, signal);
      }
      const requestId = this.requestIdOf(res.headers);
      recordVendorCall({ api: this.o.api, call: req.call, status: res.status, requestId });
      // Already read by `exchange` (or the batch), so this cannot fail on the network any more.
      const text = await res.text();
      const body = parseBody(text, res.headers.get("content-type"));
      if (res.ok) {
        if (body.unreadable)
          throw new VendorError({
            api: this.o.api,
            kind: "transient",
            code: "MALFORMED_RESPONSE",
            message: `${req.call}: unreadable JSON (${body.unreadable})`,
            status: res.status,
            requestId,
            body: text,
          });
        return { status: res.status, body: body.value as T, requestId, headers: res.headers };
      }
      if (res.status === 401 && this.o.reauthenticate && !reauthenticated) {
        reauthenticated = true;
        this.o.reauthenticate();
        continue;
      }
      const answer: VendorAnswer = {
        call: req.call,
        status: res.status,
        headers: res.headers,
        body: body.value,
        text,
        requestId,
      };
      const classified = this.o.classify(answer);
      const wait = retryAfterMs(res.headers.get("retry-after")) ?? classified.retryAfterMs;
      const error = this.failure(answer, classified, wait);
      const lagging =
        classified.kind === "not-found" &&
        req.notFoundGraceMs !== undefined &&
        Date.now() - started < req.notFoundGraceMs;
      const retryable = req.once
        ? res.status === 429
        : classified.kind === "throttled" || classified.kind === "transient" || lagging;
      if (!retryable || attempt >= this.o.maxRetries) throw error;
      const delay = wait ?? backoffMs(attempt, this.o.backoffBaseMs);
      // A long Retry-After is the engine's to wait out, holding no worker.
      if (delay > this.o.maxInlineWaitMs) throw error;
      try {
        await sleep(delay, signal);
      } catch (err) {
        throw networkFailure(this.o.api, req.call, err, this.o.requestTimeoutMs, requestId, signal);
      }
    }
  }

  /** The VendorError for an answer: our code and kind from the table, the rest as the vendor sent it. */
  failure(answer: VendorAnswer, classified: Classified, wait?: number): VendorError {
    return new VendorError({
      api: this.o.api,
      kind: classified.kind,
      code: classified.code,
      message: classified.message,
      status: answer.status,
      ...(classified.vendorCode !== undefined ? { vendorCode: classified.vendorCode } : {}),
      requestId: answer.requestId,
      body: answer.body,
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    });
  }

  private requestIdOf(headers: Headers): string | undefined {
    for (const h of this.o.requestIdHeaders) {
      const v = headers.get(h);
      if (v) return v;
    }
    return undefined;
  }

  private send(req: HttpRequest, signal: AbortSignal | undefined): Promise<Response> {
    // An urgent step's call goes at once and alone: in a batch it would wait out the window and then the
    // batch's slowest item (a license assignment takes seconds), which is its whole time to lock-out.
    if (this.coalescer && req.batchUrl !== undefined && req.form === undefined && !stepIsUrgent()) {
      const headers = {
        ...(req.body !== undefined ? { "content-type": "application/json" } : {}),
        ...req.headers,
      };
      return this.coalescer.send(
        { method: req.method, url: req.batchUrl, headers, body: req.body },
        // Alone, it is its step's own request, so that step's signal may end it on the socket.
        () => this.exchange(req, signal),
        signal,
      );
    }
    return this.exchange(req, signal);
  }

  /** One HTTP exchange, no retries: the step's signal and the deadline both reach the socket. */
  private async exchange(req: HttpRequest, signal: AbortSignal | undefined): Promise<Response> {
    const clientRequestId = randomUUID();
    const headers: Record<string, string> = {
      ...(this.o.authenticate ? await this.o.authenticate() : {}),
      [this.o.clientRequestIdHeader]: clientRequestId,
      ...(req.form !== undefined
        ? { "content-type": "application/x-www-form-urlencoded" }
        : req.body !== undefined
          ? { "content-type": "application/json" }
          : {}),
      ...req.headers,
    };
    const t0 = Date.now();
    const deadline = withTimeout(this.o.requestTimeoutMs, signal);
    let res: Response | undefined;
    try {
      res = await fetch(req.url, {
        method: req.method,
        headers,
        body:
          req.form !== undefined
            ? new URLSearchParams(req.form).toString()
            : req.body === undefined
              ? undefined
              : JSON.stringify(req.body),
        signal: deadline.signal,
      });
      // Read here, under the same deadline: a peer may send its headers and then stall.
      const text = await res.text();
      this.o.onExchange?.({
        method: req.method,
        call: req.call,
        status: res.status,
        requestId: this.requestIdOf(res.headers),
        ms: Date.now() - t0,
      });
      return new Response(nullBodyStatuses.has(res.status) ? null : text, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
      });
    } catch (err) {
      throw networkFailure(
        this.o.api,
        req.call || `${req.method} ${req.url}`,
        err,
        this.o.requestTimeoutMs,
        (res && this.requestIdOf(res.headers)) ?? clientRequestId,
        signal,
      );
    } finally {
      deadline.release();
    }
  }
}

// Statuses whose Response may not carry a body, even an empty one.
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);

function parseBody(text: string, contentType: string | null): { value: unknown; unreadable?: string } {
  if (!text) return { value: undefined };
  const looksJson = contentType?.includes("json") || /^\s*[{[]/.test(text);
  if (!looksJson) return { value: text };
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    // A refusal may come as text under a JSON content type; only a success must be readable.
    return { value: text, unreadable: (err as Error).message };
  }
}
