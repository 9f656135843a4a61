import type { z } from "zod";
import { LifecycleError } from "../../domain/errors.ts";
import { collect, HttpClient, numberedPages, VendorError, type HttpClientOptions } from "../http/index.ts";
import { classifyItglueAnswer } from "./errors.ts";
import { page, single } from "./jsonapi.ts";

export const itglueApi = "itglue";

/** JSON:API's media type: IT Glue wants it on every write (reference §6). */
export const jsonApiMediaType = "application/vnd.api+json";

export interface ItglueClientOptions {
  /** https://api.itglue.com (or the EU/AU host, or the emulator), no trailing slash. */
  apiUrl: string;
  apiKey: string;
  pageSize: number;
  /** Tests shorten the retry loop's waits. */
  http?: Pick<HttpClientOptions, "maxRetries" | "maxInlineWaitMs" | "backoffBaseMs" | "requestTimeoutMs">;
}

export interface ItglueWrite {
  method: "POST" | "PATCH";
  path: string;
  call: string;
  body: unknown;
  once: boolean;
  /** A value that must not leave in a thrown error, whatever the vendor echoed back. */
  secret?: string | undefined;
}

/**
 * IT Glue's REST API as the connector uses it: `x-api-key` on every call, JSON:API bodies, page[number]
 * and page[size] paging read from `meta`, answers checked with zod, failures from errors.ts.
 */
export class ItglueClient {
  readonly http: HttpClient;

  constructor(private readonly o: ItglueClientOptions) {
    this.http = new HttpClient({
      api: itglueApi,
      classify: classifyItglueAnswer,
      authenticate: async () => ({ "x-api-key": o.apiKey }),
      requestTimeoutMs: 60_000,
      ...o.http,
    });
  }

  url(path: string, query: Record<string, string> = {}): string {
    const qs = new URLSearchParams(query).toString();
    return `${this.o.apiUrl}${path}${qs ? `?${qs}` : ""}`;
  }

  /** One resource; a 404 fails as IT Glue answered it. */
  async read<T>(path: string, call: string, item: z.ZodType<T>): Promise<T> {
    const res = await this.http.request<unknown>({
      method: "GET",
      url: this.url(path),
      call,
      headers: { accept: jsonApiMediaType },
    });
    return this.parse(single(item), res, call).data as T;
  }

  /** One resource; IT Glue's 404 is nothing, not an error. */
  async show<T>(path: string, call: string, item: z.ZodType<T>): Promise<T | undefined> {
    try {
      return await this.read(path, call, item);
    } catch (error) {
      if (error instanceof VendorError && error.failure.kind === "not-found") return undefined;
      throw error;
    }
  }

  /** Every resource of an index, page after page until meta says there is no next one. */
  list<T>(path: string, call: string, item: z.ZodType<T>, query: Record<string, string>): Promise<T[]> {
    const shape = page(item);
    return collect(
      numberedPages(
        itglueApi,
        async (number, size) => {
          const res = await this.http.request<unknown>({
            method: "GET",
            url: this.url(path, { ...query, "page[size]": String(size), "page[number]": String(number) }),
            call,
            headers: { accept: jsonApiMediaType },
          });
          const body = this.parse(shape, res, call);
          const meta = body.meta;
          return {
            items: body.data as T[],
            ...(typeof meta?.["total-count"] === "number" ? { total: meta["total-count"] } : {}),
            ...(meta && "next-page" in meta ? { last: meta["next-page"] == null } : {}),
          };
        },
        { pageSize: this.o.pageSize },
      ),
    );
  }

  async write<T>(req: ItglueWrite, item: z.ZodType<T>): Promise<T> {
    try {
      const res = await this.http.request<unknown>({
        method: req.method,
        url: this.url(req.path),
        call: req.call,
        headers: { "content-type": jsonApiMediaType, accept: jsonApiMediaType },
        body: req.body,
        once: req.once,
      });
      if (res.body === undefined || res.body === null || res.body === "")
        throw new VendorError({
          api: itglueApi,
          kind: "transient",
          code: "EMPTY_REPLY",
          message: `${req.call}: no record in the answer`,
          status: res.status,
          requestId: res.requestId,
        });
      return this.parse(single(item), res, req.call).data as T;
    } catch (error) {
      throw req.secret ? withoutSecret(error, req.secret) : error;
    }
  }

  private parse<S extends z.ZodType>(
    schema: S,
    res: { status: number; body: unknown; requestId: string | undefined },
    call: string,
  ): z.output<S> {
    const parsed = schema.safeParse(res.body);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new VendorError({
      api: itglueApi,
      kind: "transient",
      code: "MALFORMED_RESPONSE",
      message: `${call}: the answer is not what IT Glue sends (${issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "unreadable"})`,
      status: res.status,
      requestId: res.requestId,
      body: res.body,
    });
  }
}

/**
 * The failure with every occurrence of the secret replaced. The vendor body is redacted by key already
 * (bodyForRecord), but a vendor may quote a value in an error's detail; the message is built from it.
 */
export function withoutSecret(error: unknown, secret: string): unknown {
  if (!(error instanceof LifecycleError) || !secret) return error;
  const scrub = (s: string | undefined) => s?.split(secret).join("[redacted]");
  const f = error.failure;
  const v = f.vendor;
  return new VendorError({
    api: v?.api ?? itglueApi,
    kind: f.kind,
    code: f.code ?? "VENDOR_ERROR",
    message: scrub(f.message) ?? "",
    ...(v?.status !== undefined ? { status: v.status } : {}),
    ...(v?.code !== undefined ? { vendorCode: scrub(v.code)! } : {}),
    ...(f.requestId !== undefined ? { requestId: f.requestId } : {}),
    ...(v?.body !== undefined ? { body: scrub(v.body) } : {}),
    ...(f.retryAfterMs !== undefined ? { retryAfterMs: f.retryAfterMs } : {}),
  });
}
