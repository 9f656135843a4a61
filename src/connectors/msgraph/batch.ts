import { odataJsonBatch, retryAfterMs, runBatch, type BatchResult } from "../http/index.ts";
import { classifyGraphError } from "./errors.ts";
import { maxBatchSize, type GraphTransport } from "./transport.ts";

export interface GraphBatchItem {
  id: string;
  method: string;
  /** Relative to /v1.0, e.g. "/groups/{id}/members/$ref". */
  url: string;
  body?: unknown;
  dependsOn?: string[];
}

export type { BatchResult };

/**
 * Graph's JSON $batch for many requests at once: 20 per call, each item's failure from Graph's table,
 * throttled items sent again after their Retry-After (the shared batcher's rounds).
 */
export function batch(
  transport: GraphTransport,
  items: GraphBatchItem[],
  maxRounds = 3,
): Promise<Map<string, BatchResult>> {
  return runBatch(
    // Graph wants Content-Type on every item that has a body (reference §0.3).
    items.map((i) => (i.body === undefined ? i : { ...i, headers: { "Content-Type": "application/json" } })),
    {
      api: "graph",
      envelope: odataJsonBatch(maxBatchSize),
      maxRounds,
      post: async (body) => {
        const res = await transport.request<unknown>("POST", "/$batch", { body });
        return { body: res.body, requestId: res.requestId };
      },
      fail: (item, r, batchRequestId) =>
        transport.http.failure(
          {
            call: `${item.method} ${item.url.split("?")[0]}`,
            status: r.status,
            headers: r.headers,
            body: r.body,
            text: "",
            requestId: r.headers.get("request-id") ?? batchRequestId,
          },
          classifyGraphError(r.status, r.body),
          retryAfterMs(r.headers.get("retry-after")),
        ),
    },
  );
}
