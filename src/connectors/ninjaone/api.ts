import { z } from "zod";
import { HttpClient, VendorError, type HttpClientOptions } from "../http/index.ts";
import { classifyNinjaAnswer } from "./errors.ts";
import {
  ninjaDetailedDevice,
  ninjaDevice,
  ninjaEndUser,
  ninjaOrganization,
  ninjaUser,
  type CreateEndUserRequest,
  type NinjaDetailedDevice,
  type NinjaDevice,
  type NinjaEndUser,
  type NinjaOrganization,
  type NinjaUser,
} from "./shapes.ts";

export interface NinjaApiOptions {
  /** https://{instance}: the spec's paths start at /v2. */
  instanceUrl: string;
  authenticate: () => Promise<Record<string, string>>;
  reauthenticate: () => void;
  pageSize: number;
  /** Tests shorten the retry loop's waits. */
  http?: Pick<HttpClientOptions, "maxRetries" | "maxInlineWaitMs" | "backoffBaseMs" | "requestTimeoutMs">;
}

/** A runaway cursor (or a bug of ours) must end in an error, not in a worker paging forever. */
const maxPages = 10_000;

/**
 * NinjaOne's Public API 2.0 as the connector uses it: an organisation's end users, end-user create and
 * delete, devices (detailed, by device filter, cursor-paged with `pageSize` and `after` = the last id
 * seen) and a device's owner, over the shared retry loop.
 */
export class NinjaApi {
  readonly http: HttpClient;

  constructor(private readonly o: NinjaApiOptions) {
    this.http = new HttpClient({
      api: "ninjaone",
      classify: classifyNinjaAnswer,
      authenticate: o.authenticate,
      reauthenticate: o.reauthenticate,
      ...o.http,
    });
  }

  async organization(id: number): Promise<NinjaOrganization> {
    const call = "GET /v2/organization/{id}";
    const res = await this.http.request<unknown>({
      method: "GET",
      url: this.url(`/v2/organization/${id}`),
      call,
    });
    return this.parse(ninjaOrganization, res, call);
  }

  /** Every end user of the organisation: the list is not paged (reference §4). */
  async organizationEndUsers(organizationId: number): Promise<NinjaUser[]> {
    const call = "GET /v2/organization/{id}/end-users";
    const res = await this.http.request<unknown>({
      method: "GET",
      url: this.url(`/v2/organization/${organizationId}/end-users`),
      call,
    });
    return this.parse(z.array(ninjaUser), res, call);
  }

  /** The end user, or undefined on NinjaOne's 404. */
  async endUser(id: number): Promise<NinjaEndUser | undefined> {
    const call = "GET /v2/user/end-user/{id}";
    try {
      const res = await this.http.request<unknown>({
        method: "GET",
        url: this.url(`/v2/user/end-user/${id}`),
        call,
      });
      return this.parse(ninjaEndUser, res, call);
    } catch (error) {
      if (error instanceof VendorError && error.failure.kind === "not-found") return undefined;
      throw error;
    }
  }

  /** Not resent blindly (`once`): a lost answer may have created the person, whom a find then meets. */
  async createEndUser(body: CreateEndUserRequest, sendInvitation: boolean): Promise<NinjaEndUser> {
    const call = "POST /v2/user/end-users";
    const res = await this.http.request<unknown>({
      method: "POST",
      url: this.url("/v2/user/end-users", { sendInvitation: String(sendInvitation) }),
      call,
      body,
      once: true,
    });
    return this.parse(ninjaEndUser, res, call);
  }

  /** Resolves when deleted; NinjaOne's 404 arrives as a not-found VendorError for the caller to judge. */
  async deleteEndUser(id: number): Promise<void> {
    await this.http.request<unknown>({
      method: "DELETE",
      url: this.url(`/v2/user/end-user/${id}`),
      call: "DELETE /v2/user/end-user/{id}",
    });
  }

  /** The device, or undefined on NinjaOne's 404. */
  async device(id: number): Promise<NinjaDevice | undefined> {
    const call = "GET /v2/device/{id}";
    try {
      const res = await this.http.request<unknown>({
        method: "GET",
        url: this.url(`/v2/device/${id}`),
        call,
      });
      return this.parse(ninjaDevice, res, call);
    } catch (error) {
      if (error instanceof VendorError && error.failure.kind === "not-found") return undefined;
      throw error;
    }
  }

  /**
   * The devices the filter matches (`df`, e.g. "org = 12"), page by page: each page asks for the ids
   * after the last one seen, until a page comes back short. The caller may stop early.
   */
  async *devicesDetailed(df: string): AsyncGenerator<NinjaDetailedDevice> {
    const call = "GET /v2/devices-detailed";
    const size = this.o.pageSize;
    let after: number | undefined;
    for (let n = 0; ; n++) {
      if (n >= maxPages) throw this.runaway(call, `more than ${maxPages} pages`);
      const res = await this.http.request<unknown>({
        method: "GET",
        url: this.url("/v2/devices-detailed", {
          df,
          pageSize: String(size),
          ...(after !== undefined ? { after: String(after) } : {}),
        }),
        call,
      });
      const page = this.parse(z.array(ninjaDetailedDevice), res, call);
      yield* page;
      if (page.length < size) return;
      const last = page.reduce((max, d) => Math.max(max, d.id), Number.NEGATIVE_INFINITY);
      if (after !== undefined && last <= after)
        throw this.runaway(call, `the cursor did not move past ${after}`);
      after = last;
    }
  }

  async setDeviceOwner(deviceId: number, ownerUid: string): Promise<void> {
    await this.http.request<unknown>({
      method: "POST",
      url: this.url(`/v2/device/${deviceId}/owner/${encodeURIComponent(ownerUid)}`),
      call: "POST /v2/device/{id}/owner/{ownerUid}",
    });
  }

  async removeDeviceOwner(deviceId: number): Promise<void> {
    await this.http.request<unknown>({
      method: "DELETE",
      url: this.url(`/v2/device/${deviceId}/owner`),
      call: "DELETE /v2/device/{id}/owner",
    });
  }

  private url(path: string, query: Record<string, string> = {}): string {
    const qs = new URLSearchParams(query).toString();
    return `${this.o.instanceUrl}${path}${qs ? `?${qs}` : ""}`;
  }

  private runaway(call: string, why: string): VendorError {
    return new VendorError({
      api: "ninjaone",
      kind: "transient",
      code: "MALFORMED_RESPONSE",
      message: `paging ${call}: ${why}`,
    });
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
      api: "ninjaone",
      kind: "transient",
      code: "MALFORMED_RESPONSE",
      message: `${call}: the answer is not what NinjaOne sends (${issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "unreadable"})`,
      status: res.status,
      requestId: res.requestId,
      body: res.body,
    });
  }
}
