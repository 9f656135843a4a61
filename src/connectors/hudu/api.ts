import type { z } from "zod";
import { collect, HttpClient, numberedPages, VendorError, type HttpClientOptions } from "../http/index.ts";
import { huduClassifier } from "./errors.ts";
import {
  huduAsset,
  huduCompany,
  huduPassword,
  page,
  secretMembers,
  single,
  type HuduAsset,
  type HuduPassword,
} from "./shapes.ts";

export const huduApiName = "hudu";

export interface HuduApiOptions {
  /** https://{domain}/api/v1 */
  apiUrl: string;
  apiKey: string;
  pageSize: number;
  rateWindowSeconds: number;
  /** Tests shorten the retry loop's waits. */
  http?: Pick<HttpClientOptions, "maxRetries" | "maxInlineWaitMs" | "backoffBaseMs" | "requestTimeoutMs">;
}

/** A new People asset as Hudu takes it: custom_fields is a list of one-key objects, keyed by label. */
export interface NewAsset {
  name: string;
  asset_layout_id: number;
  primary_mail?: string;
  custom_fields: Record<string, string>[];
}

export interface NewPassword {
  company_id: number;
  name: string;
  username: string;
  password?: string;
  url?: string;
  description: string;
  passwordable_type: "Asset";
  passwordable_id: number;
  password_folder_id?: number;
}

type Query = Record<string, string | undefined>;

/**
 * Hudu's REST API v1 as the connector uses it: assets (people) of a company and layout, their archive,
 * asset passwords and theirs, one company read; `x-api-key` on every call, `page` (1-based) with
 * `page_size` until a short page, the shared retry loop.
 */
export class HuduApi {
  readonly http: HttpClient;

  constructor(private readonly o: HuduApiOptions) {
    this.http = new HttpClient({
      api: huduApiName,
      classify: huduClassifier(o.rateWindowSeconds),
      authenticate: async () => ({ "x-api-key": o.apiKey, accept: "application/json" }),
      ...o.http,
    });
  }

  company(id: number): Promise<unknown> {
    return this.send("GET", `/companies/${id}`, "GET /companies/{id}", single("company", huduCompany));
  }

  assets(query: {
    company_id: number;
    asset_layout_id: number;
    search: string;
    archived: boolean;
  }): Promise<HuduAsset[]> {
    return this.paged("/assets", "GET /assets", "assets", huduAsset, {
      company_id: String(query.company_id),
      asset_layout_id: String(query.asset_layout_id),
      search: query.search,
      archived: String(query.archived),
    });
  }

  /** The company's asset; Hudu's 404 is nothing, not an error. */
  async asset(companyId: number, id: number): Promise<HuduAsset | undefined> {
    try {
      return await this.send(
        "GET",
        `/companies/${companyId}/assets/${id}`,
        "GET /companies/{company_id}/assets/{id}",
        single("asset", huduAsset),
      );
    } catch (error) {
      if (error instanceof VendorError && error.failure.kind === "not-found") return undefined;
      throw error;
    }
  }

  createAsset(companyId: number, asset: NewAsset): Promise<HuduAsset> {
    return this.send(
      "POST",
      `/companies/${companyId}/assets`,
      "POST /companies/{company_id}/assets",
      single("asset", huduAsset),
      { body: { asset }, once: true },
    );
  }

  updateAsset(companyId: number, id: number, asset: Partial<NewAsset>): Promise<HuduAsset> {
    return this.send(
      "PUT",
      `/companies/${companyId}/assets/${id}`,
      "PUT /companies/{company_id}/assets/{id}",
      single("asset", huduAsset),
      { body: { asset } },
    );
  }

  async archiveAsset(companyId: number, id: number): Promise<void> {
    await this.send(
      "PUT",
      `/companies/${companyId}/assets/${id}/archive`,
      "PUT /companies/{company_id}/assets/{id}/archive",
      undefined,
    );
  }

  passwords(query: { company_id: number; name: string; archived: boolean }): Promise<HuduPassword[]> {
    return this.paged("/asset_passwords", "GET /asset_passwords", "asset_passwords", huduPassword, {
      company_id: String(query.company_id),
      name: query.name,
      archived: String(query.archived),
    });
  }

  createPassword(password: NewPassword): Promise<HuduPassword> {
    return this.send(
      "POST",
      "/asset_passwords",
      "POST /asset_passwords",
      single("asset_password", huduPassword),
      { body: { asset_password: password }, once: true },
    );
  }

  async archivePassword(id: number): Promise<void> {
    await this.send("PUT", `/asset_passwords/${id}/archive`, "PUT /asset_passwords/{id}/archive", undefined);
  }

  private url(path: string, query: Query = {}): string {
    const defined = Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined);
    const qs = new URLSearchParams(defined).toString();
    return `${this.o.apiUrl}${path}${qs ? `?${qs}` : ""}`;
  }

  private paged<T>(path: string, call: string, key: string, item: z.ZodType<T>, query: Query): Promise<T[]> {
    const shape = page(key, item);
    return collect(
      numberedPages(
        huduApiName,
        async (n, size) =>
          this.send("GET", path, call, shape, {
            query: { ...query, page: String(n), page_size: String(size) },
          }),
        { pageSize: this.o.pageSize },
      ),
    );
  }

  private async send<S extends z.ZodType | undefined>(
    method: "GET" | "POST" | "PUT",
    path: string,
    call: string,
    schema: S,
    opts: { query?: Query; body?: unknown; once?: boolean } = {},
  ): Promise<S extends z.ZodType ? z.output<S> : undefined> {
    type Out = S extends z.ZodType ? z.output<S> : undefined;
    const res = await this.http.request<unknown>({
      method,
      url: this.url(path, opts.query),
      call,
      ...(opts.body !== undefined ? { body: opts.body } : {}),
      ...(opts.once ? { once: true } : {}),
    });
    if (!schema) return undefined as Out;
    const parsed = schema.safeParse(res.body);
    if (parsed.success) return parsed.data as Out;
    const issue = parsed.error.issues[0];
    throw new VendorError({
      api: huduApiName,
      kind: "transient",
      code: "MALFORMED_RESPONSE",
      message: `${call}: the answer is not what Hudu describes (${issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "unreadable"})`,
      status: res.status,
      requestId: res.requestId,
      body: withoutSecrets(res.body),
    });
  }
}

/** A body fit to keep: every password entry's secret members dropped, however deep. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !(secretMembers as readonly string[]).includes(k))
      .map(([k, v]) => [k, withoutSecrets(v)]),
  );
}
