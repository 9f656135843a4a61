import { boundToStep, outsideStepScope, stepSignal } from "../../observability/step-scope.ts";
import { retryAfterMs } from "./retry-after.ts";
import { abandonable, abortReason, sleep } from "./signal.ts";
import { VendorError } from "./vendor-error.ts";

/** One request as a batch carries it. */
export interface BatchItem {
  id: string;
  method: string;
  /** As the vendor's batch names it: relative to /v1.0 for Graph, the full InvokeCommand URL for Exchange. */
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

export interface BatchItemReply {
  id: string;
  status: number;
  headers: Headers;
  body: unknown;
}

/** How one vendor packs requests into a batch and its answers out of one, and how many fit. */
export interface BatchEnvelope {
  maxItems: number;
  encode(items: readonly BatchItem[]): unknown;
  /** Undefined when the reply is not a batch reply at all. */
  decode(reply: unknown): BatchItemReply[] | undefined;
}

interface ODataBatchReply {
  responses?: { id: string; status: number; headers?: Record<string, string>; body?: unknown }[];
}

/**
 * OData's JSON batch ({"requests": […]} in, {"responses": […]} out, any order), which Graph and the
 * Exchange admin API both speak; they differ in how many items one batch takes.
 */
export function odataJsonBatch(maxItems: number): BatchEnvelope {
  return {
    maxItems,
    encode: (items) => ({
      requests: items.map((i) => ({
        id: i.id,
        method: i.method,
        url: i.url,
        ...(i.headers && Object.keys(i.headers).length ? { headers: i.headers } : {}),
        ...(i.body === undefined ? {} : { body: i.body }),
        ...(i.dependsOn?.length ? { dependsOn: i.dependsOn } : {}),
      })),
    }),
    decode: (reply) => {
      const responses = (reply as ODataBatchReply | undefined)?.responses;
      if (!Array.isArray(responses)) return undefined;
      return responses.map((r) => ({
        id: String(r.id),
        status: r.status,
        headers: new Headers(r.headers ?? {}),
        body: r.body,
      }));
    },
  };
}

/** An item's answer as the Response a direct call would have given, so one retry loop serves both. */
export function itemResponse(r: BatchItemReply): Response {
  const headers = new Headers(r.headers);
  if (r.body !== undefined && r.body !== null && !headers.has("content-type"))
    headers.set("content-type", "application/json");
  const body =
    r.body === undefined || r.body === null || r.status === 204
      ? null
      : typeof r.body === "string"
        ? r.body
        : JSON.stringify(r.body);
  return new Response(body, { status: r.status, headers });
}

interface Queued {
  item: Omit<BatchItem, "id">;
  direct: () => Promise<Response>;
  resolve: (res: Response) => void;
  reject: (err: unknown) => void;
}

export interface CoalescerOptions {
  windowMs: number;
  envelope: BatchEnvelope;
  /** Posts one batch; it serves several steps, so no single step's signal ends it. */
  postBatch: (body: unknown) => Promise<Response>;
}

/**
 * Requests that parallel steps send within a few milliseconds of each other travel as one batch: fewer
 * round trips and less of the tenant's request budget, while every step keeps its own request, its own
 * answer and its own retries. Each item comes back as the Response a direct call would have given.
 */
export class BatchCoalescer {
  private queue: Queued[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: CoalescerOptions) {}

  /**
   * `direct` sends the request on its own, as it would go without batching: for one that finds nobody to
   * share its batch with.
   */
  send(
    item: Omit<BatchItem, "id">,
    direct: () => Promise<Response>,
    signal?: AbortSignal,
  ): Promise<Response> {
    // A step that has already given up joins no batch and sends nothing alone either.
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const queued = new Promise<Response>((resolve, reject) => {
      // A step that gives up before its batch leaves is taken out of it: nothing was sent for it.
      const leave = () => {
        const i = this.queue.indexOf(q);
        if (i >= 0) this.queue.splice(i, 1);
      };
      const settle =
        <A>(f: (a: A) => void) =>
        (a: A) => {
          signal?.removeEventListener("abort", leave);
          f(a);
        };
      // Sent alone it is still its own step's request, so its token wait must find that step, not the
      // scope of whoever set off the flush.
      const q: Queued = {
        item,
        direct: boundToStep(direct),
        resolve: settle(resolve),
        reject: settle(reject),
      };
      this.queue.push(q);
      signal?.addEventListener("abort", leave, { once: true });
      if (this.queue.length >= this.o.envelope.maxItems) this.flush();
      else this.timer ??= this.later();
    });
    return abandonable(queued, signal);
  }

  private later(): NodeJS.Timeout {
    return setTimeout(() => this.flush(), this.o.windowMs);
  }

  /**
   * A batch serves every step in it, so it is sent outside the scope of whichever step set the timer or
   * filled it: that step losing its lease must not end the batch (or its token wait) for the rest.
   */
  private flush(): void {
    outsideStepScope(() => {
      clearTimeout(this.timer);
      this.timer = undefined;
      const group = this.queue.splice(0, this.o.envelope.maxItems);
      if (this.queue.length) this.timer = this.later();
      if (group.length === 1) {
        const only = group[0]!;
        only.direct().then(only.resolve, only.reject);
        return;
      }
      if (group.length) void this.sendBatch(group);
    });
  }

  private async sendBatch(group: Queued[]): Promise<void> {
    try {
      const res = await this.o.postBatch(
        this.o.envelope.encode(group.map((q, i) => ({ id: String(i + 1), ...q.item }))),
      );
      if (!res.ok) {
        // The batch as a whole was refused (throttled, down): every item gets that answer to handle.
        const text = await res.text();
        for (const q of group)
          q.resolve(new Response(text, { status: res.status, headers: new Headers(res.headers) }));
        return;
      }
      const replies = this.o.envelope.decode(await res.json());
      const byId = new Map((replies ?? []).map((r) => [r.id, r]));
      group.forEach((q, i) => {
        const r = byId.get(String(i + 1));
        if (r) q.resolve(itemResponse(r));
        else q.reject(new Error(`batch reply has no answer for item ${i + 1}`));
      });
    } catch (err) {
      for (const q of group) q.reject(err);
    }
  }
}

export type BatchResult =
  { id: string; ok: true; status: number; body: unknown } | { id: string; ok: false; error: VendorError };

export interface BatchRunOptions {
  api: string;
  envelope: BatchEnvelope;
  /** Posts one batch through the connector's retry loop, where a batch refused as a whole is retried. */
  post: (body: unknown) => Promise<{ body: unknown; requestId: string | undefined }>;
  /** The vendor's table applied to one failed item. */
  fail: (item: BatchItem, reply: BatchItemReply, batchRequestId: string | undefined) => VendorError;
  maxRounds?: number;
  /** Throttled items are not resent after a wait longer than this: they fail throttled, with the wait. */
  maxInlineWaitMs?: number;
}

/**
 * Many requests in as few batches as the vendor allows, results matched by id (answers come in any
 * order). Items throttled inside a batch are not retried by the vendor or its SDKs; they are sent again
 * after the longest Retry-After among them, a few times, and otherwise reported throttled with that wait.
 */
export async function runBatch(
  items: readonly BatchItem[],
  o: BatchRunOptions,
): Promise<Map<string, BatchResult>> {
  const { maxItems } = o.envelope;
  const maxRounds = o.maxRounds ?? 3;
  const results = new Map<string, BatchResult>();
  for (let i = 0; i < items.length; i += maxItems) {
    const chunk = items.slice(i, i + maxItems);
    const ids = new Set(chunk.map((c) => c.id.toLowerCase()));
    for (const c of chunk) {
      if (c.dependsOn?.some((d) => !ids.has(d.toLowerCase())))
        throw new VendorError({
          api: o.api,
          kind: "invalid",
          code: "VENDOR_INVALID",
          message: `batch item ${c.id} depends on an item outside its batch of ${maxItems}`,
        });
    }
    let pending = chunk;
    for (let round = 1; pending.length; round++) {
      const reply = await o.post(o.envelope.encode(pending));
      const replies = o.envelope.decode(reply.body);
      if (!replies)
        throw new VendorError({
          api: o.api,
          kind: "transient",
          code: "MALFORMED_RESPONSE",
          message: "the batch reply holds no responses",
          requestId: reply.requestId,
          body: reply.body,
        });
      const throttled: BatchItem[] = [];
      let longestWait = 0;
      for (const r of replies) {
        const item = pending.find((p) => p.id.toLowerCase() === r.id.toLowerCase());
        if (!item) continue;
        if (r.status >= 200 && r.status < 300) {
          results.set(item.id, { id: item.id, ok: true, status: r.status, body: r.body });
          continue;
        }
        const wait = retryAfterMs(r.headers.get("retry-after"));
        if ((r.status === 429 || r.status === 424) && round < maxRounds) {
          // A 424 only says its dependency failed: if that dependency was throttled, both go again.
          throttled.push(item);
          longestWait = Math.max(longestWait, wait ?? 1000);
          continue;
        }
        results.set(item.id, { id: item.id, ok: false, error: o.fail(item, r, reply.requestId) });
      }
      const retryIds = new Set(throttled.map((t) => t.id));
      const resend = longestWait <= (o.maxInlineWaitMs ?? 10_000);
      pending = throttled.filter(
        (t) =>
          resend &&
          (!t.dependsOn?.length ||
            t.dependsOn.some((d) => retryIds.has(d)) ||
            t.dependsOn.every((d) => results.get(d)?.ok)),
      );
      for (const t of throttled)
        if (!pending.includes(t))
          results.set(t.id, {
            id: t.id,
            ok: false,
            error: resend
              ? new VendorError({
                  api: o.api,
                  kind: "fatal",
                  code: "DEPENDENCY_FAILED",
                  message: `${t.id}: a request it depends on failed`,
                  status: 424,
                })
              : new VendorError({
                  api: o.api,
                  kind: "throttled",
                  code: "THROTTLED",
                  message: `${t.id}: throttled inside the batch`,
                  status: 429,
                  retryAfterMs: longestWait,
                }),
          });
      if (pending.length) await sleep(longestWait, stepSignal());
    }
  }
  return results;
}
