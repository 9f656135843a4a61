/** Every non-admin request an emulator answered, for tests and the demo to count and inspect. */

export interface CallRecord<Api extends string = string> {
  at: string;
  method: string;
  /** The route as registered (e.g. "/v1.0/users/:id/assignLicense"), or the raw path if none matched. */
  route: string;
  url: string;
  api: Api | "other";
  tenantId: string | undefined;
  appId: string | undefined;
  status: number;
  durationMs: number;
  requestId: string;
  insideBatch: boolean;
  fault: string | undefined;
  /** The vendor's latency class the request waited on, where its route declares one. */
  latencyClass?: string;
  /** The caller hung up before the answer (a timeout, a killed process); the vendor still acted. */
  callerGone?: true;
}

export interface CallQuery<Api extends string = string> {
  tenantId?: string;
  api?: Api | "other";
  limit?: number;
}

export class CallLog<R extends CallRecord = CallRecord> {
  private records: R[] = [];
  private readonly counts = new Map<string, number>();

  /**
   * `keyOf` names the endpoint a record counts against; a vendor whose one URL carries many operations
   * (Exchange's InvokeCommand) counts by operation instead.
   */
  constructor(
    private readonly keyOf: (record: R) => string = (r) => `${r.method} ${r.route}`,
    private readonly keep = 10_000,
  ) {}

  add(record: R): void {
    this.records.push(record);
    if (this.records.length > this.keep) this.records.splice(0, this.records.length - this.keep);
    const key = this.keyOf(record);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  list(query: CallQuery = {}): R[] {
    const matching = this.records.filter(
      (r) =>
        (query.tenantId === undefined || r.tenantId === query.tenantId) &&
        (query.api === undefined || r.api === query.api),
    );
    return query.limit === undefined ? matching : matching.slice(-query.limit);
  }

  /** Counts per endpoint since the last reset, sorted by key. */
  countsByEndpoint(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  clear(): void {
    this.records = [];
    this.counts.clear();
  }
}
