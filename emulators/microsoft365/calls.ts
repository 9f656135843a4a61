/** Every non-admin request the emulator answered, for tests and the demo to count and inspect. */

export interface CallRecord {
  at: string;
  method: string;
  /** The route as registered (e.g. "/v1.0/users/:id/assignLicense"), or the raw path if none matched. */
  route: string;
  url: string;
  api: "graph" | "exchange" | "token" | "other";
  tenantId: string | undefined;
  appId: string | undefined;
  status: number;
  durationMs: number;
  requestId: string;
  /** For Exchange calls, the cmdlet that ran. */
  cmdlet: string | undefined;
  insideBatch: boolean;
  fault: string | undefined;
}

export interface CallQuery {
  tenantId?: string;
  api?: CallRecord["api"];
  limit?: number;
}

export class CallLog {
  private records: CallRecord[] = [];
  private readonly counts = new Map<string, number>();

  constructor(private readonly keep = 10_000) {}

  add(record: CallRecord): void {
    this.records.push(record);
    if (this.records.length > this.keep) this.records.splice(0, this.records.length - this.keep);
    const key = endpointKey(record);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  list(query: CallQuery = {}): CallRecord[] {
    const matching = this.records.filter(
      (r) =>
        (query.tenantId === undefined || r.tenantId === query.tenantId) &&
        (query.api === undefined || r.api === query.api),
    );
    return query.limit === undefined ? matching : matching.slice(-query.limit);
  }

  /** Counts per endpoint ("POST /v1.0/users", "InvokeCommand Set-Mailbox") since the last reset. */
  countsByEndpoint(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  clear(): void {
    this.records = [];
    this.counts.clear();
  }
}

function endpointKey(record: CallRecord): string {
  return record.cmdlet ? `InvokeCommand ${record.cmdlet}` : `${record.method} ${record.route}`;
}
