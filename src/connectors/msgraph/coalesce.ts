export interface OutgoingRequest {
  method: string;
  /** As the batch item names it: relative to /v1.0 for Graph, the full InvokeCommand URL for Exchange. */
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

interface Queued {
  req: OutgoingRequest;
  resolve: (res: Response) => void;
  reject: (err: unknown) => void;
}

interface BatchReply {
  responses?: { id: string; status: number; headers?: Record<string, string>; body?: unknown }[];
}

/**
 * Requests that parallel steps send within a few milliseconds of each other travel as one JSON $batch
 * (Graph's, or the Exchange admin API's): fewer round trips and less of the tenant's request budget, while every step keeps its own
 * request, its own answer and its own retries. Each item comes back as the Response a direct call would
 * have given, so the transport's error handling (429 with Retry-After, 404 grace) applies per item.
 * A request that finds nobody to share with is sent directly, as it would be without batching.
 */
export class BatchCoalescer {
  private queue: Queued[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly windowMs: number,
    /** Graph takes 20 per batch; Exchange's admin API is sent 10, as CIPP does. */
    private readonly maxItems: number,
    private readonly direct: (req: OutgoingRequest) => Promise<Response>,
    private readonly postBatch: (body: unknown) => Promise<Response>,
  ) {}

  send(req: OutgoingRequest): Promise<Response> {
    return new Promise<Response>((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      if (this.queue.length >= this.maxItems) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.windowMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const group = this.queue.splice(0, this.maxItems);
    if (this.queue.length) this.timer = setTimeout(() => this.flush(), this.windowMs);
    if (group.length === 1) {
      const only = group[0]!;
      this.direct(only.req).then(only.resolve, only.reject);
      return;
    }
    if (group.length) void this.sendBatch(group);
  }

  private async sendBatch(group: Queued[]): Promise<void> {
    try {
      const res = await this.postBatch({
        requests: group.map((q, i) => ({
          id: String(i + 1),
          method: q.req.method,
          url: q.req.path,
          ...(Object.keys(q.req.headers).length ? { headers: q.req.headers } : {}),
          ...(q.req.body === undefined ? {} : { body: q.req.body }),
        })),
      });
      if (!res.ok) {
        // The batch as a whole was refused (throttled, down): every item gets that answer to handle.
        const text = await res.text();
        for (const q of group)
          q.resolve(new Response(text, { status: res.status, headers: new Headers(res.headers) }));
        return;
      }
      const reply = (await res.json()) as BatchReply;
      const byId = new Map((reply.responses ?? []).map((r) => [r.id, r]));
      group.forEach((q, i) => {
        const r = byId.get(String(i + 1));
        if (!r) {
          q.reject(new Error(`$batch reply has no answer for item ${i + 1}`));
          return;
        }
        const headers = new Headers(r.headers ?? {});
        if (r.body !== undefined && !headers.has("content-type"))
          headers.set("content-type", "application/json");
        const body =
          r.body === undefined || r.status === 204
            ? null
            : typeof r.body === "string"
              ? r.body
              : JSON.stringify(r.body);
        q.resolve(new Response(body, { status: r.status, headers }));
      });
    } catch (err) {
      for (const q of group) q.reject(err);
    }
  }
}
