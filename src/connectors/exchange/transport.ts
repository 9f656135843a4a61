import { collect, followLinks, HttpClient, odataJsonBatch, type HttpCall } from "../http/index.ts";
import { classifyExoAnswer } from "./errors.ts";

export const exchangeResource = "https://outlook.office365.com";

// CIPP sends ten per admin-API batch; the service's own limit is not documented.
const maxExoBatchItems = 10;

export interface ExoCall {
  cmdlet: string;
  status: number;
  requestId: string | undefined;
  ms: number;
}

export interface ExoTransportOptions {
  /** https://outlook.office365.com, or the emulator's URL. */
  baseUrl: string;
  tenant: string;
  token: () => Promise<string>;
  maxRetries?: number;
  maxInlineWaitMs?: number;
  backoffBaseMs?: number;
  /** A cmdlet without an answer by then fails as transient (see GraphTransport's requestTimeoutMs). */
  requestTimeoutMs?: number;
  /** Cmdlets of parallel steps sent within this window share one admin-API $batch (0: never). */
  batchWindowMs?: number;
  /** Each exchange on the wire (a $batch counts once, as "$batch"). */
  onCall?: (c: ExoCall) => void;
}

interface InvokeReply<T> {
  value?: T[];
  "@odata.nextLink"?: string;
  "@adminapi.warnings"?: string[];
}

/**
 * Exchange Online's admin REST endpoint (InvokeCommand): the cmdlets Graph cannot do, over the shared
 * HTTP layer. Paging re-POSTs the same body to @odata.nextLink; errors become typed failures from the
 * exception type Exchange names.
 */
export class ExoTransport {
  private readonly base: string;
  readonly http: HttpClient;

  constructor(opts: ExoTransportOptions) {
    this.base = `${opts.baseUrl.replace(/\/+$/, "")}/adminapi/beta/${encodeURIComponent(opts.tenant)}`;
    const { onCall } = opts;
    this.http = new HttpClient({
      api: "exchange",
      classify: classifyExoAnswer,
      authenticate: async () => ({ authorization: `Bearer ${await opts.token()}` }),
      requestIdHeaders: ["request-id"],
      requestTimeoutMs: opts.requestTimeoutMs ?? 120_000,
      ...(opts.maxRetries !== undefined ? { maxRetries: opts.maxRetries } : {}),
      ...(opts.maxInlineWaitMs !== undefined ? { maxInlineWaitMs: opts.maxInlineWaitMs } : {}),
      ...(opts.backoffBaseMs !== undefined ? { backoffBaseMs: opts.backoffBaseMs } : {}),
      ...(opts.batchWindowMs
        ? {
            batching: {
              windowMs: opts.batchWindowMs,
              envelope: odataJsonBatch(maxExoBatchItems),
              url: `${this.base}/$batch`,
              headers: { prefer: "odata.maxpagesize=1000;odata.continue-on-error" },
            },
          }
        : {}),
      ...(onCall
        ? {
            onExchange: (c: HttpCall) =>
              onCall({ cmdlet: c.call, status: c.status, requestId: c.requestId, ms: c.ms }),
          }
        : {}),
    });
  }

  async invoke<T = Record<string, unknown>>(
    cmdlet: string,
    parameters: Record<string, unknown>,
  ): Promise<{ value: T[]; warnings: string[] }> {
    const body = { CmdletInput: { CmdletName: cmdlet, Parameters: parameters } };
    const first = `${this.base}/InvokeCommand`;
    const warnings: string[] = [];
    const value = await collect(
      followLinks<T>("exchange", first, async (url, index) => {
        const page = await this.http.request<InvokeReply<T> | undefined>({
          method: "POST",
          url,
          call: cmdlet,
          headers: {
            "content-type": "application/json; charset=utf-8",
            prefer: "odata.maxpagesize=1000",
            "x-cmdletname": cmdlet,
          },
          body,
          // Later pages follow a nextLink of their own and are fetched as given, never inside a batch.
          ...(index === 0 ? { batchUrl: url } : {}),
        });
        warnings.push(...(page.body?.["@adminapi.warnings"] ?? []));
        return { items: page.body?.value ?? [], next: page.body?.["@odata.nextLink"] };
      }),
    );
    return { value, warnings };
  }
}
