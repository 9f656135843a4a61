import type { z } from "zod";
import { collect, HttpClient, numberedPages, VendorError, type HttpClientOptions } from "../http/index.ts";
import { classifyHaloAnswer } from "./errors.ts";
import type { components } from "./generated/halopsa-api.ts";
import {
  haloAction,
  haloStatus,
  haloTicket,
  haloUser,
  listOf,
  written,
  type HaloAction,
  type HaloStatus,
  type HaloTicket,
  type HaloUser,
} from "./shapes.ts";

type Schemas = components["schemas"];

export interface HaloApiOptions {
  /** https://{tenant}.halopsa.com/api */
  apiUrl: string;
  authenticate: () => Promise<Record<string, string>>;
  reauthenticate: () => void;
  pageSize: number;
  /** Tests shorten the retry loop's waits. */
  http?: Pick<HttpClientOptions, "maxRetries" | "maxInlineWaitMs" | "backoffBaseMs" | "requestTimeoutMs">;
}

/** One filter of Halo's advanced_search (filter_type 2 = equals). */
export interface AdvancedFilter {
  filter_name: string;
  filter_type: 2;
  filter_value: string;
}

/**
 * HaloPSA's REST API as the connector uses it: Users (contacts), Tickets (Faults), Actions (notes) and
 * Status, over the shared retry loop. Every write is `POST /api/<Entity>` with a one-element array (an
 * element with an id updates); lists page with `pageinate`, `page_size` and `page_no`.
 */
export class HaloApi {
  readonly http: HttpClient;

  constructor(private readonly o: HaloApiOptions) {
    this.http = new HttpClient({
      api: "halopsa",
      classify: classifyHaloAnswer,
      authenticate: o.authenticate,
      reauthenticate: o.reauthenticate,
      ...o.http,
    });
  }

  users(query: { client_id: number; search?: string; site_id?: number }): Promise<HaloUser[]> {
    return this.paged("/Users", "users", haloUser, {
      client_id: String(query.client_id),
      ...(query.site_id !== undefined ? { site_id: String(query.site_id) } : {}),
      ...(query.search !== undefined ? { search: query.search } : {}),
      includeactive: "true",
      includeinactive: "true",
    });
  }

  user(id: number): Promise<HaloUser | undefined> {
    return this.one(`/Users/${id}`, "GET /api/Users/{id}", haloUser, {});
  }

  upsertUser(user: Schemas["Users"], opts: { once: boolean }): Promise<HaloUser> {
    return this.write("/Users", user, haloUser, opts);
  }

  /**
   * The client's open or closed tickets the search matches. Whether Halo's list leaves closed tickets out
   * when asked neither is not documented, so every call says which, with the spec's own `open_only` or
   * `closed_only`.
   */
  tickets(query: {
    client_id: number;
    advanced_search: AdvancedFilter[];
    state: "open" | "closed";
  }): Promise<HaloTicket[]> {
    return this.paged("/Tickets", "tickets", haloTicket, {
      client_id: String(query.client_id),
      advanced_search: JSON.stringify(query.advanced_search),
      [query.state === "open" ? "open_only" : "closed_only"]: "true",
    });
  }

  ticket(id: number): Promise<HaloTicket | undefined> {
    return this.one(`/Tickets/${id}`, "GET /api/Tickets/{id}", haloTicket, { includedetails: "true" });
  }

  upsertTicket(ticket: Schemas["Faults"], opts: { once: boolean }): Promise<HaloTicket> {
    return this.write("/Tickets", ticket, haloTicket, opts);
  }

  /** Every action of a ticket, system ones left out; Halo does not page actions. */
  async actions(ticketId: number): Promise<HaloAction[]> {
    const res = await this.http.request<unknown>({
      method: "GET",
      url: this.url("/Actions", { ticket_id: String(ticketId), excludesys: "true", includehtmlnote: "true" }),
      call: "GET /api/Actions",
    });
    return this.parse(listOf("actions", haloAction), res, "GET /api/Actions").items;
  }

  addAction(action: Schemas["Actions"]): Promise<HaloAction> {
    return this.write("/Actions", action, haloAction, { once: true });
  }

  async statuses(): Promise<HaloStatus[]> {
    const res = await this.http.request<unknown>({
      method: "GET",
      url: this.url("/Status", {}),
      call: "GET /api/Status",
    });
    return this.parse(listOf("statuses", haloStatus), res, "GET /api/Status").items;
  }

  private url(path: string, query: Record<string, string>): string {
    const qs = new URLSearchParams(query).toString();
    return `${this.o.apiUrl}${path}${qs ? `?${qs}` : ""}`;
  }

  private paged<T>(
    path: string,
    key: string,
    item: z.ZodType<T>,
    query: Record<string, string>,
  ): Promise<T[]> {
    const call = `GET /api${path}`;
    const shape = listOf(key, item);
    return collect(
      numberedPages(
        "halopsa",
        async (page, size) => {
          const res = await this.http.request<unknown>({
            method: "GET",
            url: this.url(path, {
              ...query,
              pageinate: "true",
              page_size: String(size),
              page_no: String(page),
            }),
            call,
          });
          return this.parse(shape, res, call);
        },
        { pageSize: this.o.pageSize },
      ),
    );
  }

  /** A record by id; Halo's 404 (and an empty answer) is nothing, not an error. */
  private async one<T>(
    path: string,
    call: string,
    item: z.ZodType<T>,
    query: Record<string, string>,
  ): Promise<T | undefined> {
    try {
      const res = await this.http.request<unknown>({ method: "GET", url: this.url(path, query), call });
      if (res.body === undefined || res.body === null || res.body === "") return undefined;
      return this.parse(item, res, call);
    } catch (error) {
      if (error instanceof VendorError && error.failure.kind === "not-found") return undefined;
      throw error;
    }
  }

  private async write<T>(
    path: string,
    element: object,
    item: z.ZodType<T>,
    opts: { once: boolean },
  ): Promise<T> {
    const call = `POST /api${path}`;
    const res = await this.http.request<unknown>({
      method: "POST",
      url: this.url(path, {}),
      call,
      body: [element],
      once: opts.once,
    });
    if (res.body === undefined || res.body === null || res.body === "")
      throw new VendorError({
        api: "halopsa",
        kind: "transient",
        code: "EMPTY_REPLY",
        message: `${call}: no record in the answer`,
        status: res.status,
        requestId: res.requestId,
      });
    return this.parse(written(item), res, call);
  }

  private parse<T>(
    schema: z.ZodType<T>,
    res: { status: number; body: unknown; requestId: string | undefined },
    call: string,
  ): T {
    const parsed = schema.safeParse(res.body);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new VendorError({
      api: "halopsa",
      kind: "transient",
      code: "MALFORMED_RESPONSE",
      message: `${call}: the answer is not what Halo sends (${issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "unreadable"})`,
      status: res.status,
      requestId: res.requestId,
      body: res.body,
    });
  }
}
