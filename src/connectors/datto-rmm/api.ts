import type { z } from "zod";
import { followLinks, HttpClient, VendorError, type HttpClientOptions } from "../http/index.ts";
import { classifyDattoAnswer } from "./errors.ts";
import {
  dattoDevice,
  dattoSite,
  deviceAudit,
  devicesPage,
  type DattoDevice,
  type DattoDeviceAudit,
} from "./shapes.ts";

/** The API name in step records and failures, and the rate bucket a 429 slows. */
export const dattoRmmApi = "datto-rmm";

export interface DattoApiOptions {
  /** https://{platform}-api.centrastage.net/api */
  apiUrl: string;
  authenticate: () => Promise<Record<string, string>>;
  reauthenticate: () => void;
  pageSize: number;
  /** Tests shorten the retry loop's waits. */
  http?: Pick<HttpClientOptions, "maxRetries" | "maxInlineWaitMs" | "backoffBaseMs" | "requestTimeoutMs">;
}

/**
 * Datto RMM's API v2 as the connector uses it: the site, its devices (paged by `max` and followed by
 * pageDetails.nextPageUrl), one device, its audit, and its UDFs. Reads are GETs; the UDF write is a POST
 * (Datto creates with PUT and updates with POST, reference §5).
 */
export class DattoApi {
  readonly http: HttpClient;
  private readonly origin: string;

  constructor(private readonly o: DattoApiOptions) {
    this.origin = new URL(o.apiUrl).origin;
    this.http = new HttpClient({
      api: dattoRmmApi,
      classify: classifyDattoAnswer,
      authenticate: o.authenticate,
      reauthenticate: o.reauthenticate,
      ...o.http,
    });
  }

  async site(siteUid: string): Promise<z.output<typeof dattoSite>> {
    const call = "GET /v2/site/{siteUid}";
    const res = await this.get(`/v2/site/${encodeURIComponent(siteUid)}`, call);
    return this.parse(dattoSite, res, call);
  }

  /**
   * Every device of the site, page after page. The first page is asked for without `page` (whether Datto
   * counts pages from 0 or 1 is a library's word, not Datto's), the rest by the links Datto sends, taken on
   * this API's own origin so the bearer token never goes elsewhere.
   */
  siteDevices(siteUid: string): AsyncGenerator<DattoDevice> {
    const call = "GET /v2/site/{siteUid}/devices";
    const first = `${this.o.apiUrl}/v2/site/${encodeURIComponent(siteUid)}/devices?max=${this.o.pageSize}`;
    return followLinks(dattoRmmApi, first, async (url) => {
      const res = await this.http.request<unknown>({ method: "GET", url, call });
      const page = this.parse(devicesPage, res, call);
      return { items: page.devices, next: this.onOwnOrigin(page.pageDetails.nextPageUrl) };
    });
  }

  /** The device; Datto's 404 ("Device was not found.") fails as not-found, with its status and request id. */
  async device(deviceUid: string): Promise<DattoDevice> {
    const call = "GET /v2/device/{deviceUid}";
    const res = await this.get(`/v2/device/${encodeURIComponent(deviceUid)}`, call);
    return this.parse(dattoDevice, res, call);
  }

  /** The device, or undefined when Datto does not know it. */
  async deviceIfAny(deviceUid: string): Promise<DattoDevice | undefined> {
    try {
      return await this.device(deviceUid);
    } catch (error) {
      if (error instanceof VendorError && error.failure.kind === "not-found") return undefined;
      throw error;
    }
  }

  /**
   * The device's audit, or undefined where there is none to read: Datto answers 400 for a device not of
   * class "device" (a printer, an ESXi host) and 404 for one it does not know.
   */
  async audit(deviceUid: string): Promise<DattoDeviceAudit | undefined> {
    const call = "GET /v2/audit/device/{deviceUid}";
    try {
      const res = await this.get(`/v2/audit/device/${encodeURIComponent(deviceUid)}`, call);
      return this.parse(deviceAudit, res, call);
    } catch (error) {
      if (error instanceof VendorError && (error.status === 404 || error.status === 400)) return undefined;
      throw error;
    }
  }

  /**
   * Sets the named UDFs; an empty value clears one ("set to null"), the others keep theirs. Writing the
   * same value twice changes nothing, so a retry is safe.
   */
  async setUdfs(deviceUid: string, fields: Record<string, string>): Promise<void> {
    await this.http.request<unknown>({
      method: "POST",
      url: `${this.o.apiUrl}/v2/device/${encodeURIComponent(deviceUid)}/udf`,
      call: "POST /v2/device/{deviceUid}/udf",
      body: fields,
    });
  }

  private get(path: string, call: string) {
    return this.http.request<unknown>({ method: "GET", url: `${this.o.apiUrl}${path}`, call });
  }

  private onOwnOrigin(next: string | undefined): string | undefined {
    if (next === undefined) return undefined;
    const url = new URL(next, this.origin);
    return `${this.origin}${url.pathname}${url.search}`;
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
      api: dattoRmmApi,
      kind: "transient",
      code: "MALFORMED_RESPONSE",
      message: `${call}: the answer is not what Datto RMM sends (${issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "unreadable"})`,
      status: res.status,
      requestId: res.requestId,
      body: res.body,
    });
  }
}
