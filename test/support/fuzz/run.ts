import fc from "fast-check";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { errorCodes } from "../../../src/server/errors.ts";
import type { Store } from "../../../src/store/sql.ts";
import type { FuzzOperation, FuzzRequest } from "./operations.ts";
import type { FuzzTarget } from "./target.ts";

export interface OperationReport {
  id: string;
  tried: number;
  statuses: Map<number, number>;
  /** Answers of 5xx, with the request that got each (the first few). */
  serverErrors: { request: FuzzRequest; status: number; body: string }[];
  serverErrorCount: number;
  /** Error answers not in the envelope with a catalogued code (nor an HTML page the document names). */
  offEnvelope: { request: FuzzRequest; status: number; body: string }[];
  offEnvelopeCount: number;
  /** Rows inserted, updated or deleted while a request was being refused (status ≥ 400). */
  rowsWrittenByRejected: number;
  rejectedThatWrote: { request: FuzzRequest; status: number; rows: number }[];
  /** Answers that got past validation into the handler's own logic (2xx, 404, 409, 410). */
  reached: number;
}

const keep = 5;
const known = new Set<string>(errorCodes);

/**
 * What every table holds, cheaply: rows and the newest row version (xmin), so an insert, update or delete
 * shows. PostgreSQL's snapshot xmax moves only when some transaction writes, so it is read per request
 * and the tables only when it moved.
 */
export class RowProbe {
  #tables: string[] = [];
  #xmax = "";
  #signature = new Map<string, { rows: number; newest: bigint }>();
  constructor(private readonly store: Store) {}

  async start(): Promise<void> {
    const rows = await this.store.query<{ name: string }>(
      `select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
    );
    this.#tables = rows.map((r) => r.name);
    await this.refresh();
  }

  async #xmaxNow(): Promise<string> {
    const [row] = await this.store.query<{ x: string }>(
      `select pg_snapshot_xmax(pg_current_snapshot())::text as x`,
    );
    return row?.x ?? "";
  }

  async #read(): Promise<Map<string, { rows: number; newest: bigint }>> {
    const union = this.#tables
      .map(
        (t) =>
          `select '${t}' as t, count(*)::int as n, coalesce(max(xmin::text::bigint), 0)::text as x from "${t}"`,
      )
      .join(" union all ");
    const rows = await this.store.query<{ t: string; n: number; x: string }>(union);
    return new Map(rows.map((r) => [r.t, { rows: r.n, newest: BigInt(r.x) }]));
  }

  /** Called before a request: re-reads the tables only if something wrote since the last read. */
  async refresh(): Promise<void> {
    const xmax = await this.#xmaxNow();
    if (xmax === this.#xmax) return;
    this.#signature = await this.#read();
    this.#xmax = await this.#xmaxNow();
  }

  /** Rows written since refresh(): inserted, updated or deleted; zero only when nothing was. */
  async written(): Promise<number> {
    if ((await this.#xmaxNow()) === this.#xmax) return 0;
    let total = 0;
    for (const t of this.#tables) {
      const before = this.#signature.get(t) ?? { rows: 0, newest: 0n };
      const [row] = await this.store.query<{ n: number }>(
        `select count(*)::int as n from "${t}" where xmin::text::bigint > $1`,
        [before.newest.toString()],
      );
      const [count] = await this.store.query<{ n: number }>(`select count(*)::int as n from "${t}"`);
      const fresh = row?.n ?? 0;
      // An update leaves the count and adds a row version; an insert adds both; a delete only changes the
      // count. Mixed writes may count low, never as zero.
      total += Math.max(fresh, Math.abs((count?.n ?? 0) - before.rows));
    }
    return total;
  }
}

const mediaType = (res: LightMyRequestResponse) =>
  String(res.headers["content-type"] ?? "")
    .replace(/;.*$/s, "")
    .trim();

function inEnvelope(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    return (
      typeof parsed.error?.message === "string" &&
      typeof parsed.error.code === "string" &&
      known.has(parsed.error.code)
    );
  } catch {
    return false;
  }
}

type Subject = Pick<FuzzTarget, "app" | "store" | "headers">;

async function send({ app, headers }: Subject, op: FuzzOperation, req: FuzzRequest) {
  const options: InjectOptions = {
    method: req.method as InjectOptions["method"],
    url: req.url,
    headers: { ...headers, ...req.headers },
    remoteAddress: req.remoteAddress,
    ...(req.payload !== undefined ? { payload: req.payload } : {}),
  };
  if (!op.streams) {
    const res = await app.inject(options);
    return { status: res.statusCode, body: res.body, type: mediaType(res) };
  }
  // A live stream ends only when its client leaves: read the head, then leave.
  const res = await app.inject({ ...options, payloadAsStream: true });
  if (res.statusCode === 200) {
    res.raw.res.destroy();
    return { status: 200, body: "", type: mediaType(res) };
  }
  const chunks: Buffer[] = [];
  for await (const chunk of res.stream()) chunks.push(Buffer.from(chunk as Buffer));
  return { status: res.statusCode, body: Buffer.concat(chunks).toString("utf8"), type: mediaType(res) };
}

/** In the envelope, or the page the document says this status may answer with. */
function answeredAsDocumented(op: FuzzOperation, res: { status: number; body: string; type: string }) {
  if (res.type === "text/html" && op.pages.has(res.status)) return true;
  return res.type === "application/json" && inEnvelope(res.body);
}

/** Sends `runs` generated requests to one operation, one at a time, and reports what came back. */
export async function fuzzOperation(
  target: Subject,
  op: FuzzOperation,
  runs: number,
  seed: number,
): Promise<OperationReport> {
  const probe = new RowProbe(target.store);
  await probe.start();
  const report: OperationReport = {
    id: op.id,
    tried: 0,
    statuses: new Map(),
    serverErrors: [],
    serverErrorCount: 0,
    offEnvelope: [],
    offEnvelopeCount: 0,
    rowsWrittenByRejected: 0,
    rejectedThatWrote: [],
    reached: 0,
  };
  const batch = 250;
  for (let done = 0; done < runs; done += batch) {
    const inputs = fc.sample(op.input, { numRuns: Math.min(batch, runs - done), seed: seed + done });
    for (const req of inputs) {
      await probe.refresh();
      const res = await send(target, op, req);
      report.tried++;
      report.statuses.set(res.status, (report.statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) {
        report.serverErrorCount++;
        if (report.serverErrors.length < keep)
          report.serverErrors.push({ request: req, status: res.status, body: res.body });
      }
      if (res.status >= 400 && !answeredAsDocumented(op, res)) {
        report.offEnvelopeCount++;
        if (report.offEnvelope.length < keep)
          report.offEnvelope.push({ request: req, status: res.status, body: res.body });
      }
      // A sign-in's 401 is its handler's answer to the credentials: the input got past validation.
      const handled =
        [404, 409, 410].includes(res.status) || (res.status === 401 && recordsRefusals.has(op.id));
      if ((res.status >= 200 && res.status < 300) || handled) report.reached++;
      if (res.status >= 400 && !(res.status === 401 && recordsRefusals.has(op.id))) {
        const rows = await probe.written();
        if (rows > 0) {
          report.rowsWrittenByRejected += rows;
          if (report.rejectedThatWrote.length < keep)
            report.rejectedThatWrote.push({ request: req, status: res.status, rows });
        }
      }
    }
  }
  return report;
}

/**
 * Operations whose refusal is itself recorded, by design: their 401 writes rows. Everything else refused
 * must leave the store as it was.
 */
const recordsRefusals = new Map([
  ["POST /api/auth/sign-in", "a refused sign-in is audited and counts toward the account's lock-out"],
]);

const short = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

export function describeRequest(r: FuzzRequest): string {
  return `${r.method} ${short(r.url, 200)} from ${r.remoteAddress} ${JSON.stringify(r.headers)} ${r.payload === undefined ? "" : short(r.payload)}`;
}

/** One line per operation: inputs, status counts, 5xx, rows written by refused requests. */
export function summary(reports: OperationReport[]): string {
  const lines = reports.map((r) => {
    const statuses = [...r.statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}:${n}`)
      .join(" ");
    return `${r.id.padEnd(52)} tried ${String(r.tried).padStart(6)}  5xx ${r.serverErrorCount}  off-envelope ${r.offEnvelopeCount}  rows written by rejected ${r.rowsWrittenByRejected}  [${statuses}]`;
  });
  const total = (f: (r: OperationReport) => number) => reports.reduce((n, r) => n + f(r), 0);
  lines.push(
    `${reports.length} operations, ${total((r) => r.tried)} inputs, 5xx ${total((r) => r.serverErrorCount)}, ` +
      `off-envelope ${total((r) => r.offEnvelopeCount)}, rows written by rejected ${total((r) => r.rowsWrittenByRejected)}`,
  );
  return lines.join("\n");
}
