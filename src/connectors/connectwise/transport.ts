import type { z } from "zod";
import { collect, followLinks, HttpClient, nextFromLinkHeader, VendorError } from "../http/index.ts";
import type { ConnectorRuntime } from "../module.ts";
import type { ConnectwiseCredential } from "./config.ts";
import { classifyCwAnswer } from "./errors.ts";
import { companyInfoSchema } from "./types.ts";

export const connectwiseApi = "connectwise";

export interface CwTransportOptions {
  /** https://api-na.myconnectwise.net (no trailing slash), or the emulator's URL. */
  site: string;
  /** The configured codebase ("v2025_1/"); discovered when absent. */
  codebase: string | undefined;
  apiVersion: string;
  credential: ConnectwiseCredential;
  pageSize: number;
  runtime: ConnectorRuntime;
  maxRetries?: number;
  maxInlineWaitMs?: number;
  backoffBaseMs?: number;
  requestTimeoutMs?: number;
}

export interface CwRequest<S extends z.ZodType | undefined> {
  method: "GET" | "POST" | "PATCH";
  /** Under the API root, e.g. "/service/tickets/42"; the call is named with `{id}` in its place. */
  path: string;
  call: string;
  query?: Record<string, string>;
  body?: unknown;
  schema: S;
  once?: boolean;
}

/** "a b" → "a%20b": the query as the vendor's examples write it, never a `+` for a space. */
export function queryString(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
}

/** One codebase lookup per site and login company for the whole process; a failed one is tried again. */
class CodebaseCache {
  private pending: Promise<string> | undefined;
  get(discover: () => Promise<string>): Promise<string> {
    this.pending ??= discover().catch((error: unknown) => {
      this.pending = undefined;
      throw error;
    });
    return this.pending;
  }
}

/**
 * ConnectWise PSA's REST 3.0 over the shared HTTP layer: the codebase (configured or discovered), Basic
 * auth `company+public:private` with the integration's clientId, the pinned model version, answers checked
 * with zod, and paging by the Link header's rel="next".
 */
export class CwTransport {
  readonly http: HttpClient;
  private readonly discovery: HttpClient;
  private readonly codebases: CodebaseCache;
  private readonly accept: string;

  constructor(private readonly o: CwTransportOptions) {
    const { credential } = o;
    this.accept = `application/vnd.connectwise.com+json; version=${o.apiVersion}`;
    const basic = Buffer.from(
      `${credential.companyId}+${credential.publicKey}:${credential.privateKey}`,
      "utf8",
    ).toString("base64");
    const common = {
      api: connectwiseApi,
      classify: classifyCwAnswer,
      requestTimeoutMs: o.requestTimeoutMs ?? 60_000,
      ...(o.maxRetries !== undefined ? { maxRetries: o.maxRetries } : {}),
      ...(o.maxInlineWaitMs !== undefined ? { maxInlineWaitMs: o.maxInlineWaitMs } : {}),
      ...(o.backoffBaseMs !== undefined ? { backoffBaseMs: o.backoffBaseMs } : {}),
    };
    this.http = new HttpClient({
      ...common,
      authenticate: async () => ({ authorization: `Basic ${basic}`, clientid: credential.clientId }),
    });
    // The company lookup is unauthenticated: no key travels with it.
    this.discovery = new HttpClient(common);
    this.codebases = o.runtime.shared(
      `connectwise-codebase\u0000${o.site.toLowerCase()}\u0000${credential.companyId.toLowerCase()}`,
      () => new CodebaseCache(),
    );
  }

  /** https://{site}/{codebase}apis/3.0 */
  async root(): Promise<string> {
    return `${this.o.site}/${await this.codebase()}apis/3.0`;
  }

  /** "v2025_1/": configured, or discovered once. */
  codebase(): Promise<string> {
    return this.o.codebase ? Promise.resolve(this.o.codebase) : this.codebases.get(() => this.discover());
  }

  /**
   * What a link into Manage's web UI is made of: the UI's origin (a cloud API host is the UI host with
   * "api-" before it, reference §2), the codebase and the login company.
   */
  async webLink(): Promise<{ site: string; codebase: string; company: string }> {
    const url = new URL(this.o.site);
    url.hostname = url.hostname.replace(/^api-/i, "");
    return { site: url.origin, codebase: await this.codebase(), company: this.o.credential.companyId };
  }

  private async discover(): Promise<string> {
    const res = await this.discovery.request<unknown>({
      method: "GET",
      url: `${this.o.site}/login/companyinfo/${encodeURIComponent(this.o.credential.companyId)}`,
      call: "GET /login/companyinfo/{companyId}",
      headers: { accept: "application/json" },
      detached: true,
    });
    return this.parse(companyInfoSchema, res.body, "GET /login/companyinfo/{companyId}", res.requestId)
      .Codebase;
  }

  async send<S extends z.ZodType | undefined>(
    req: CwRequest<S>,
  ): Promise<S extends z.ZodType ? z.output<S> : undefined> {
    const root = await this.root();
    const qs = req.query ? `?${queryString(req.query)}` : "";
    const res = await this.http.request<unknown>({
      method: req.method,
      url: `${root}${req.path}${qs}`,
      call: req.call,
      headers: { accept: this.accept },
      ...(req.body !== undefined ? { body: req.body } : {}),
      ...(req.once ? { once: true } : {}),
    });
    type Out = S extends z.ZodType ? z.output<S> : undefined;
    if (!req.schema) return undefined as Out;
    return this.parse(req.schema, res.body, req.call, res.requestId) as Out;
  }

  /** Every record of a list, page after page by rel="next" (which must stay on the API's own origin). */
  async list<T>(
    path: string,
    call: string,
    schema: z.ZodType<T>,
    query: Record<string, string> = {},
  ): Promise<T[]> {
    const root = await this.root();
    const origin = new URL(root).origin;
    const first = `${root}${path}?${queryString({ ...query, page: "1", pageSize: String(this.o.pageSize) })}`;
    return collect(
      followLinks<T>(connectwiseApi, first, async (url) => {
        if (new URL(url).origin !== origin)
          throw this.malformed(call, `its Link header leads off the API's origin (${new URL(url).origin})`);
        const res = await this.http.request<unknown>({
          method: "GET",
          url,
          call,
          headers: { accept: this.accept },
        });
        if (!Array.isArray(res.body)) throw this.malformed(call, "a list was due", res.requestId, res.body);
        const items = res.body.map((item) => this.parse(schema, item, call, res.requestId));
        return { items, next: nextFromLinkHeader(res.headers.get("link")) };
      }),
    );
  }

  private parse<S extends z.ZodType>(
    schema: S,
    body: unknown,
    call: string,
    requestId?: string,
  ): z.output<S> {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw this.malformed(
      call,
      `${issue?.path.join(".") || "(body)"} ${issue?.message ?? "does not match"}`,
      requestId,
      body,
    );
  }

  private malformed(call: string, why: string, requestId?: string, body?: unknown): VendorError {
    return new VendorError({
      api: connectwiseApi,
      kind: "transient",
      code: "MALFORMED_RESPONSE",
      message: `${call}: the answer is not what ConnectWise describes: ${why}`,
      ...(requestId !== undefined ? { requestId } : {}),
      ...(body !== undefined ? { body } : {}),
    });
  }
}
