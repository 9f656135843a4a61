import type { z } from "zod";
import { LifecycleError } from "../../domain/errors.ts";
import { followLinks, HttpClient, VendorError, type HttpClientOptions } from "../http/index.ts";
import { isHttpsOrLoopback, type AutotaskApiUser } from "./config.ts";
import { autotaskClassifier } from "./errors.ts";
import {
  fieldInformation,
  itemIdResult,
  queryPage,
  thresholdInformation,
  zoneInformation,
  type FieldInformation,
  type Filter,
  type QueryModel,
  type ThresholdInformation,
  type ZoneInformation,
} from "./schemas.ts";

export const autotaskApi = "autotask";

/**
 * Zones found, per discovery URL and API user, for the whole process: every client of one MSP shares its
 * Autotask database, so its zone is asked for once. A failed discovery is not kept.
 */
export class ZoneCache {
  private readonly zones = new Map<string, Promise<ZoneInformation>>();

  get(key: string, discover: () => Promise<ZoneInformation>): Promise<ZoneInformation> {
    let zone = this.zones.get(key);
    if (!zone) {
      zone = discover();
      this.zones.set(key, zone);
      zone.catch(() => this.zones.delete(key));
    }
    return zone;
  }
}

/**
 * Autotask's thread limit: 3 requests at once per object endpoint per tracking identifier (integrations
 * created after 2023.1). Shared by every client on one integration code, so a burst of runs queues here
 * instead of being refused there.
 */
export class EndpointGate {
  private readonly inFlight = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(readonly perEndpoint = 3) {}

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    while ((this.inFlight.get(key) ?? 0) >= this.perEndpoint)
      await new Promise<void>((resolve) =>
        this.waiting.set(key, [...(this.waiting.get(key) ?? []), resolve]),
      );
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    try {
      return await work();
    } finally {
      this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
      const [next, ...rest] = this.waiting.get(key) ?? [];
      this.waiting.set(key, rest);
      next?.();
    }
  }
}

export interface AutotaskTransportOptions {
  zoneDiscoveryUrl: string;
  credential: AutotaskApiUser;
  zones: ZoneCache;
  gate: EndpointGate;
  suspendedStatus: number;
  suspendedRetryAfterMs: number;
  pageSize: number;
  /** Tests shorten the retry loop's waits. */
  http?: Pick<HttpClientOptions, "maxRetries" | "backoffBaseMs" | "maxInlineWaitMs" | "requestTimeoutMs">;
}

/** A call under the zone's root: `path` as the spec spells it ("/V1.0/Tickets"), `endpoint` its entity. */
interface ZoneCall {
  method: "GET" | "POST" | "PATCH";
  path: string;
  /** The object endpoint the thread limit counts against ("Contacts", "Tickets", "TicketNotes"). */
  endpoint: string;
  /** The call as the step's record names it; ids only, never an address. */
  call: string;
  body?: unknown;
  once?: boolean;
  /** Absolute, as Autotask sent it (a nextPageUrl); replaces `path`. */
  url?: string;
}

/**
 * Autotask's REST transport: zone discovery (cached), the three headers on every call (never on the
 * unauthenticated discovery), the thread limit, `{"itemId": n}` creates, query pages followed by
 * pageDetails.nextPageUrl, and every answer checked with zod.
 */
export class AutotaskTransport {
  private readonly http: HttpClient;
  private readonly discovery: HttpClient;

  constructor(private readonly o: AutotaskTransportOptions) {
    const classify = autotaskClassifier({
      suspendedStatus: o.suspendedStatus,
      suspendedRetryAfterMs: o.suspendedRetryAfterMs,
    });
    this.http = new HttpClient({
      api: autotaskApi,
      classify,
      authenticate: async () => ({
        UserName: o.credential.userName,
        Secret: o.credential.secret,
        ApiIntegrationCode: o.credential.integrationCode,
      }),
      ...o.http,
    });
    this.discovery = new HttpClient({ api: autotaskApi, classify, ...o.http });
  }

  /** The zone the API user's database lives in, asked once per process. */
  zone(): Promise<ZoneInformation> {
    const key = `${this.o.zoneDiscoveryUrl}\u0000${this.o.credential.userName.toLowerCase()}`;
    return this.o.zones.get(key, () => this.discoverZone());
  }

  private async discoverZone(): Promise<ZoneInformation> {
    const url = new URL(this.o.zoneDiscoveryUrl);
    url.searchParams.set("user", this.o.credential.userName);
    let zone: ZoneInformation;
    try {
      const res = await this.discovery.request<unknown>({
        method: "GET",
        url: url.toString(),
        call: "GET /V1.0/ZoneInformation",
        // One discovery serves every step of the process: no single step's abort ends it.
        detached: true,
      });
      zone = checked(zoneInformation, res.body, "GET /V1.0/ZoneInformation", res.status);
    } catch (err) {
      if (err instanceof VendorError && (err.failure.kind === "not-found" || err.failure.kind === "invalid"))
        throw zoneUnknown(`${err.failure.message}`, err);
      throw err;
    }
    if (!isHttpsOrLoopback(zone.url))
      throw zoneUnknown(`zone discovery named ${JSON.stringify(zone.url)}, not an https URL`);
    return zone;
  }

  async send<T>(schema: z.ZodType<T>, c: ZoneCall): Promise<T> {
    const root = await this.root();
    const url = c.url ?? `${root}${c.path.replace(/^\//, "")}`;
    if (c.url !== undefined && !c.url.startsWith(root))
      throw new VendorError({
        api: autotaskApi,
        kind: "transient",
        code: "MALFORMED_RESPONSE",
        message: `${c.call}: a page link leads outside the zone (${new URL(c.url).origin})`,
      });
    const res = await this.o.gate.run(
      `${this.o.credential.integrationCode}\u0000${c.endpoint.toLowerCase()}`,
      () =>
        this.http.request<unknown>({
          method: c.method,
          url,
          call: c.call,
          ...(c.body !== undefined ? { body: c.body } : {}),
          ...(c.once ? { once: true } : {}),
        }),
    );
    return checked(schema, res.body, c.call, res.status);
  }

  /** A create or update: the new or changed entity's id, from `{"itemId": n}`. */
  async write(c: ZoneCall): Promise<number> {
    return (await this.send(itemIdResult, c)).itemId;
  }

  /** Every item a query matches, page after page (MaxRecords per page, then nextPageUrl until null). */
  async *query<T>(entity: string, filter: Filter[], item: z.ZodType<T>): AsyncGenerator<T> {
    const page = queryPage(item);
    const call = `POST /V1.0/${entity}/query`;
    const body: QueryModel = { filter, maxRecords: this.o.pageSize };
    yield* followLinks(autotaskApi, call, async (url, index) => {
      const res =
        index === 0
          ? await this.send(page, {
              method: "POST",
              path: `/V1.0/${entity}/query`,
              endpoint: entity,
              call,
              body,
            })
          : await this.send(page, {
              method: "GET",
              path: "",
              url,
              endpoint: entity,
              call: `GET /V1.0/${entity}/query`,
            });
      return { items: res.items, next: res.pageDetails.nextPageUrl ?? null };
    });
  }

  /** An entity's fields as the instance has them, picklist values (active or not) included. */
  fields(entity: string): Promise<FieldInformation> {
    return this.send(fieldInformation, {
      method: "GET",
      path: `/V1.0/${entity}/entityInformation/fields`,
      endpoint: entity,
      call: `GET /V1.0/${entity}/entityInformation/fields`,
    });
  }

  /** The database's use of its hourly request threshold (10,000 per rolling hour, shared by all integrations). */
  threshold(): Promise<ThresholdInformation> {
    return this.send(thresholdInformation, {
      method: "GET",
      path: "/V1.0/ThresholdInformation",
      endpoint: "ThresholdInformation",
      call: "GET /V1.0/ThresholdInformation",
    });
  }

  private async root(): Promise<string> {
    const zone = await this.zone();
    return zone.url.endsWith("/") ? zone.url : `${zone.url}/`;
  }
}

function checked<T>(schema: z.ZodType<T>, body: unknown, call: string, status: number): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new VendorError({
    api: autotaskApi,
    kind: "transient",
    code: "MALFORMED_RESPONSE",
    message: `${call}: the answer is not what Autotask describes (${issue?.path.join(".") || "body"}: ${issue?.message})`,
    status,
    body,
  });
}

function zoneUnknown(message: string, cause?: VendorError): LifecycleError {
  return new VendorError(
    {
      api: autotaskApi,
      kind: "invalid",
      code: "AUTOTASK_ZONE_UNKNOWN",
      message,
      ...(cause?.vendor.status !== undefined ? { status: cause.vendor.status } : {}),
      ...(cause?.vendor.body !== undefined ? { body: cause.vendor.body } : {}),
    },
    cause ? { cause } : undefined,
  );
}
