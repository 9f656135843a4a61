import {
  collect,
  followLinks,
  HttpClient,
  odataJsonBatch,
  type HttpCall,
  type HttpResponse,
} from "../http/index.ts";
import { classifyGraphAnswer } from "./errors.ts";

/** Graph takes 20 requests per JSON $batch (reference §0.3). */
export const maxBatchSize = 20;

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
  /** Each exchange on the wire (a $batch counts once, as "$batch"). */
  onCall?: (call: GraphCall) => void;
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

export type GraphResponse<T> = HttpResponse<T>;

const absolute = (path: string) => /^https?:\/\//.test(path);

/**
 * Graph over the shared HTTP layer: bearer token, the request ids kept, 429/5xx retried honouring
 * Retry-After, 404 right after a create retried for a grace window, requests of parallel steps coalesced
 * into $batch, and every failure a VendorError from Graph's table.
 */
export class GraphTransport {
  private readonly baseUrl: string;
  readonly http: HttpClient;

  constructor(opts: GraphTransportOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, "");
    const { onCall } = opts;
    this.http = new HttpClient({
      api: "graph",
      classify: classifyGraphAnswer,
      authenticate: async () => ({ authorization: `Bearer ${await opts.token()}` }),
      requestIdHeaders: ["request-id"],
      ...(opts.maxRetries !== undefined ? { maxRetries: opts.maxRetries } : {}),
      ...(opts.maxInlineWaitMs !== undefined ? { maxInlineWaitMs: opts.maxInlineWaitMs } : {}),
      ...(opts.backoffBaseMs !== undefined ? { backoffBaseMs: opts.backoffBaseMs } : {}),
      ...(opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
      ...(opts.batchWindowMs
        ? {
            batching: {
              windowMs: opts.batchWindowMs,
              envelope: odataJsonBatch(maxBatchSize),
              url: this.url("/$batch"),
            },
          }
        : {}),
      ...(onCall
        ? {
            onExchange: (c: HttpCall) =>
              onCall({
                method: c.method,
                path: c.call.replace(/^[A-Z]+ /, ""),
                status: c.status,
                requestId: c.requestId,
                ms: c.ms,
              }),
          }
        : {}),
    });
  }

  url(path: string): string {
    return absolute(path) ? path : `${this.baseUrl}/v1.0${path.startsWith("/") ? path : `/${path}`}`;
  }

  request<T>(method: string, path: string, options: RequestOptions = {}): Promise<GraphResponse<T>> {
    return this.http.request<T>({
      method,
      url: this.url(path),
      call: `${method} ${callName(path)}`,
      headers: {
        ...(options.eventual ? { consistencylevel: "eventual" } : {}),
        ...options.headers,
      },
      body: options.body,
      ...(options.notFoundGraceMs !== undefined ? { notFoundGraceMs: options.notFoundGraceMs } : {}),
      ...(options.once ? { once: true } : {}),
      // Absolute URLs are nextLinks: those pages are fetched as given, never inside a batch (nor is a
      // batch). A batch item names its URL relative to /v1.0.
      ...(absolute(path) || /^\/?\$batch/.test(path)
        ? {}
        : { batchUrl: path.startsWith("/") ? path : `/${path}` }),
    });
  }

  /** Every item of a collection, following @odata.nextLink verbatim (headers are resent on each page). */
  pages<T>(path: string, options: RequestOptions = {}): AsyncGenerator<T> {
    return followLinks<T>("graph", path, async (next) => {
      const page = await this.request<{ value: T[]; "@odata.nextLink"?: string }>("GET", next, options);
      return { items: page.body.value, next: page.body["@odata.nextLink"] };
    });
  }

  all<T>(path: string, options: RequestOptions = {}): Promise<T[]> {
    return collect(this.pages<T>(path, options));
  }
}

/** The path without its query string (it may name people), and without the base of a nextLink. */
function callName(path: string): string {
  const bare = path.split("?")[0] ?? path;
  return absolute(bare) ? bare.replace(/^https?:\/\/[^/]+\/v1\.0/, "") : bare;
}
