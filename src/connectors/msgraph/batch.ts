import { LifecycleError } from "../../domain/errors.ts";
import { classifyGraphError, GraphError, retryAfterMs } from "./errors.ts";
import type { GraphTransport } from "./transport.ts";

export interface BatchItem {
  id: string;
  method: string;
  /** Relative to /v1.0, e.g. "/groups/{id}/members/$ref". */
  url: string;
  body?: unknown;
  dependsOn?: string[];
}

export type BatchResult =
  { id: string; ok: true; status: number; body: unknown } | { id: string; ok: false; error: GraphError };

interface BatchReply {
  responses: { id: string; status: number; headers?: Record<string, string>; body?: unknown }[];
}

export const maxBatchSize = 20;

/**
 * JSON $batch: 20 per call, results matched by id (Graph returns them in any order). Items throttled
 * inside a batch are not retried by Graph or its SDKs; they are sent again here after the longest
 * Retry-After among them, a few times, and otherwise reported throttled with that wait.
 */
export async function batch(
  transport: GraphTransport,
  items: BatchItem[],
  maxRounds = 3,
): Promise<Map<string, BatchResult>> {
  const results = new Map<string, BatchResult>();
  for (let i = 0; i < items.length; i += maxBatchSize) {
    const chunk = items.slice(i, i + maxBatchSize);
    const ids = new Set(chunk.map((c) => c.id.toLowerCase()));
    for (const c of chunk) {
      if (c.dependsOn?.some((d) => !ids.has(d.toLowerCase()))) {
        throw new LifecycleError({
          kind: "invalid",
          message: `batch item ${c.id} depends on an item outside its batch of ${maxBatchSize}`,
        });
      }
    }
    let pending = chunk;
    for (let round = 1; pending.length; round++) {
      const reply = await transport.request<BatchReply>("POST", "/$batch", {
        body: {
          requests: pending.map((p) => ({
            id: p.id,
            method: p.method,
            url: p.url,
            ...(p.body === undefined
              ? {}
              : { body: p.body, headers: { "Content-Type": "application/json" } }),
            ...(p.dependsOn ? { dependsOn: p.dependsOn } : {}),
          })),
        },
      });
      const throttled: BatchItem[] = [];
      let longestWait = 0;
      for (const r of reply.body.responses) {
        const item = pending.find((p) => p.id.toLowerCase() === r.id.toLowerCase());
        if (!item) continue;
        if (r.status >= 200 && r.status < 300) {
          results.set(item.id, { id: item.id, ok: true, status: r.status, body: r.body });
          continue;
        }
        const wait = retryAfterMs(r.headers?.["Retry-After"] ?? r.headers?.["retry-after"]);
        const failure = classifyGraphError(
          r.status,
          r.body,
          r.headers?.["request-id"] ?? reply.requestId,
          wait,
        );
        if ((r.status === 429 || r.status === 424) && round < maxRounds) {
          // A 424 only says its dependency failed: if that dependency was throttled, both go again.
          throttled.push(item);
          longestWait = Math.max(longestWait, wait ?? 1000);
          continue;
        }
        results.set(item.id, { id: item.id, ok: false, error: new GraphError(failure, r.status, r.body) });
      }
      const retryIds = new Set(throttled.map((t) => t.id));
      pending = throttled.filter(
        (t) =>
          !t.dependsOn?.length ||
          t.dependsOn.some((d) => retryIds.has(d)) ||
          t.dependsOn.every((d) => results.get(d)?.ok),
      );
      for (const t of throttled)
        if (!pending.includes(t))
          results.set(t.id, {
            id: t.id,
            ok: false,
            error: new GraphError(
              { kind: "fatal", code: "DependencyFailed", message: `${t.id}: a request it depends on failed` },
              424,
              undefined,
            ),
          });
      if (pending.length) await new Promise((r) => setTimeout(r, longestWait));
    }
  }
  return results;
}
