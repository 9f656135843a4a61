import { randomUUID } from "node:crypto";
import { LifecycleError } from "../../domain/errors.ts";
import { recordVendorCall } from "../../observability/vendor-calls.ts";
import { retryAfterMs } from "../msgraph/errors.ts";
import { BatchCoalescer } from "../msgraph/coalesce.ts";
import { networkFailure, withTimeout } from "../msgraph/transport.ts";
import { classifyExoError } from "./errors.ts";

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
  /** A cmdlet without an answer by then fails as transient (see GraphTransport's requestTimeoutMs). */
  requestTimeoutMs?: number;
  /** Cmdlets of parallel steps sent within this window share one admin-API $batch (0: never). */
  batchWindowMs?: number;
  onCall?: (c: ExoCall) => void;
}

interface InvokeReply<T> {
  value?: T[];
  "@odata.nextLink"?: string;
  "@adminapi.warnings"?: string[];
}

/**
 * Exchange Online's admin REST endpoint (InvokeCommand): the cmdlets Graph cannot do. Paging re-POSTs
 * the same body to @odata.nextLink; errors become typed failures from the exception type Exchange names.
 */
export class ExoTransport {
  private readonly o: Required<Omit<ExoTransportOptions, "onCall">> & Pick<ExoTransportOptions, "onCall">;

  constructor(opts: ExoTransportOptions) {
    this.o = {
      maxRetries: 4,
      maxInlineWaitMs: 10_000,
      requestTimeoutMs: 120_000,
      batchWindowMs: 0,
      ...opts,
      baseUrl: opts.baseUrl.replace(/\/+$/, ""),
    };
    this.coalescer =
      this.o.batchWindowMs > 0
        ? new BatchCoalescer(
            this.o.batchWindowMs,
            maxExoBatchItems,
            (r) => this.fetchOnce(r.path, r.headers, JSON.stringify(r.body)),
            (body) =>
              this.fetchOnce(
                `${this.o.baseUrl}/adminapi/beta/${encodeURIComponent(this.o.tenant)}/$batch`,
                { prefer: "odata.maxpagesize=1000;odata.continue-on-error" },
                JSON.stringify(body),
              ),
          )
        : undefined;
  }

  private readonly coalescer: BatchCoalescer | undefined;

  async invoke<T = Record<string, unknown>>(
    cmdlet: string,
    parameters: Record<string, unknown>,
  ): Promise<{ value: T[]; warnings: string[] }> {
    const body = JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } });
    let url: string | undefined =
      `${this.o.baseUrl}/adminapi/beta/${encodeURIComponent(this.o.tenant)}/InvokeCommand`;
    const value: T[] = [];
    const warnings: string[] = [];
    for (let n = 0; url; n++) {
      const page: InvokeReply<T> = await this.post<InvokeReply<T>>(cmdlet, url, body, n);
      value.push(...(page.value ?? []));
      warnings.push(...(page["@adminapi.warnings"] ?? []));
      url = page["@odata.nextLink"];
    }
    return { value, warnings };
  }

  private async post<T>(cmdlet: string, url: string, body: string, page: number): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const t0 = Date.now();
      const headers = { "x-cmdletname": cmdlet };
      // Later pages follow a nextLink of their own and are fetched as given, never inside a batch.
      const res =
        this.coalescer && page === 0
          ? await this.coalescer.send({ method: "POST", path: url, headers, body: JSON.parse(body) })
          : await this.fetchOnce(url, headers, body, cmdlet);
      const requestId = res.headers.get("request-id") ?? undefined;
      this.o.onCall?.({ cmdlet, status: res.status, requestId, ms: Date.now() - t0 });
      recordVendorCall({ api: "exchange", call: cmdlet, status: res.status, requestId });
      let text: string;
      try {
        text = await res.text();
      } catch (err) {
        throw networkFailure(cmdlet, err, this.o.requestTimeoutMs, requestId);
      }
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : {};
      } catch {
        parsed = undefined; // Exchange throttles with a plain-text body; classifyExoError reads the text.
      }
      if (res.ok && parsed !== undefined) return parsed as T;
      const failure = classifyExoError(
        res.status,
        parsed,
        text,
        requestId,
        retryAfterMs(res.headers.get("retry-after")),
      );
      const retryable = failure.kind === "throttled" || failure.kind === "transient";
      const wait = failure.retryAfterMs ?? 500 * 2 ** attempt;
      if (!retryable || attempt >= this.o.maxRetries || wait > this.o.maxInlineWaitMs) {
        throw new LifecycleError({ ...failure, message: `${cmdlet}: ${failure.message}` });
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /** One HTTP exchange with the admin API; `call` names it in a failure. */
  private async fetchOnce(
    url: string,
    extraHeaders: Record<string, string>,
    body: string,
    call = "InvokeCommand",
  ): Promise<Response> {
    try {
      return await fetch(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${await this.o.token()}`,
          "content-type": "application/json; charset=utf-8",
          "client-request-id": randomUUID(),
          prefer: "odata.maxpagesize=1000",
          ...extraHeaders,
        },
        body,
        signal: withTimeout(this.o.requestTimeoutMs, undefined),
      });
    } catch (err) {
      throw networkFailure(call, err, this.o.requestTimeoutMs, undefined);
    }
  }
}
