import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sleep } from "../kit/clock.ts";
import { header, originOf, queryOf, requestInfo, sendPlainJson, takeLatency } from "../kit/pipeline.ts";
import { RouteTable, type TableRoute } from "../kit/routes.ts";
import { sendDattoError, sendRefused, verbatim } from "./errors.ts";
import { auditView, deviceView, siteView } from "./records.ts";
import type { LatencyClass } from "./settings.ts";
import { udfNames, type ApiKeyRec, type DattoContext, type DeviceRec, type RequestInfo } from "./state.ts";

/** A refusal a route answers in Datto's error style. */
export class DattoHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Call {
  ctx: DattoContext;
  key: ApiKeyRec;
  query: Record<string, string | undefined>;
  params: Record<string, string>;
  body: unknown;
  /** Where the request came in, for the page links: https://{platform}-api.centrastage.net/api */
  apiRoot: string;
  info: RequestInfo;
}

export interface DattoRoute extends TableRoute {
  latency: LatencyClass;
  /** What it answers with 200; undefined is an empty 200 (Datto's UDF write returns no body). */
  handle(call: Call): unknown;
}

function intParam(v: string | undefined, min: number): number | undefined {
  if (v === undefined || v === "") return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new DattoHttpError(400, verbatim.parametersInvalid);
  return Number(v);
}

/** A key limited to some sites (Datto's security levels) is refused the others and their devices. */
const maySee = (key: ApiKeyRec, siteUid: string) => key.sites === undefined || key.sites.includes(siteUid);

function siteOf(call: Call) {
  const site = call.ctx.data.sites.get(call.params.siteUid ?? "");
  if (!site) throw new DattoHttpError(404, verbatim.siteNotFound);
  if (!maySee(call.key, site.uid)) throw new DattoHttpError(403, verbatim.forbidden);
  return site;
}

function deviceOf(call: Call): DeviceRec {
  const device = call.ctx.data.devices.get(call.params.deviceUid ?? "");
  if (!device) throw new DattoHttpError(404, verbatim.deviceNotFound);
  if (!maySee(call.key, device.siteUid)) throw new DattoHttpError(403, verbatim.forbidden);
  return device;
}

/**
 * Datto's paging (reference §5): `page` from 0 (a library's word: the emulator follows it) and `max` up to
 * the account's page size, answered with pageDetails {count, totalCount, prevPageUrl, nextPageUrl}, the
 * links absolute and null at the ends.
 */
function page<T>(call: Call, path: string, items: T[], keep: Record<string, string> = {}) {
  const max = Math.min(
    intParam(call.query.max, 1) ?? call.ctx.settings.maxPageSize,
    call.ctx.settings.maxPageSize,
  );
  const n = intParam(call.query.page, 0) ?? 0;
  const slice = items.slice(n * max, (n + 1) * max);
  const link = (p: number) =>
    `${call.apiRoot}${path}?${new URLSearchParams({ ...keep, max: String(max), page: String(p) }).toString()}`;
  return {
    pageDetails: {
      count: slice.length,
      totalCount: items.length,
      prevPageUrl: n > 0 ? link(n - 1) : null,
      nextPageUrl: (n + 1) * max < items.length ? link(n + 1) : null,
    },
    items: slice,
  };
}

/** The body of POST /v2/device/{uid}/udf: only udf1 … udf30, each a string (or null); "" clears. */
function udfBody(body: unknown, maxLength: number): Record<string, string | null> {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new DattoHttpError(400, verbatim.invalid);
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(body)) {
    if (!udfNames.includes(k)) throw new DattoHttpError(400, verbatim.invalid);
    if (v !== null && typeof v !== "string") throw new DattoHttpError(400, verbatim.invalid);
    if (typeof v === "string" && v.length > maxLength)
      throw new DattoHttpError(400, verbatim.parametersInvalid);
    out[k] = v === "" ? null : v;
  }
  return out;
}

const sitePath = (call: Call) => `/v2/site/${call.params.siteUid ?? ""}`;

/** The API surface, with the spec's paths under /api. */
export const dattoRoutes: DattoRoute[] = [
  {
    method: "GET",
    path: "/v2/account/sites",
    latency: "read",
    handle(call) {
      const name = call.query.siteName?.toLowerCase();
      const all = [...call.ctx.data.sites.values()]
        .filter((s) => maySee(call.key, s.uid))
        .filter((s) => name === undefined || s.name.toLowerCase().includes(name))
        .map((s) => siteView(call.ctx, s));
      const { pageDetails, items } = page(
        call,
        "/v2/account/sites",
        all,
        call.query.siteName ? { siteName: call.query.siteName } : {},
      );
      return { pageDetails, sites: items };
    },
  },
  {
    method: "GET",
    path: "/v2/site/{siteUid}",
    latency: "read",
    handle: (call) => siteView(call.ctx, siteOf(call)),
  },
  {
    method: "GET",
    path: "/v2/site/{siteUid}/devices",
    latency: "read",
    handle(call) {
      const site = siteOf(call);
      const filterId = intParam(call.query.filterId, 0);
      const filter = filterId !== undefined ? call.ctx.data.filters.get(filterId) : undefined;
      if (filterId !== undefined && !filter) throw new DattoHttpError(404, verbatim.filterNotFound);
      const all = [...call.ctx.data.devices.values()]
        .filter((d) => d.siteUid === site.uid)
        .filter((d) => !filter || filter.deviceUids.includes(d.uid))
        .map((d) => deviceView(call.ctx, d));
      const keep: Record<string, string> = filterId !== undefined ? { filterId: String(filterId) } : {};
      const { pageDetails, items } = page(call, `${sitePath(call)}/devices`, all, keep);
      return { pageDetails, devices: items };
    },
  },
  {
    method: "GET",
    path: "/v2/device/{deviceUid}",
    latency: "read",
    handle: (call) => deviceView(call.ctx, deviceOf(call)),
  },
  {
    method: "POST",
    path: "/v2/device/{deviceUid}/udf",
    latency: "write",
    handle(call) {
      const device = deviceOf(call);
      // Unnamed fields keep their values; "" (or null) sets one to null (the spec's description).
      Object.assign(device.udf, udfBody(call.body, call.ctx.settings.udfMaxLength));
      return undefined;
    },
  },
  {
    method: "GET",
    path: "/v2/audit/device/{deviceUid}",
    latency: "read",
    handle(call) {
      const device = deviceOf(call);
      if (device.deviceClass !== "device") throw new DattoHttpError(400, verbatim.notOfClassDevice);
      return auditView(call.ctx, device);
    },
  },
  {
    method: "GET",
    path: "/v2/system/pagination",
    latency: "read",
    handle: (call) => ({ max: call.ctx.settings.maxPageSize }),
  },
  {
    method: "GET",
    path: "/v2/system/request_rate",
    latency: "read",
    handle(call) {
      const limit = call.ctx.settings.rateLimit;
      return {
        slidingTimeWindowSizeSeconds: Math.round(limit.windowMs / 1000),
        accountUid: call.ctx.data.account.uid,
        accountCount: call.ctx.rate.count(call.ctx.clock.now(), limit.windowMs),
        accountRateLimit: limit.requests,
        accountCutOffRatio: limit.slowdownRatio,
      };
    },
  },
];

export const dattoTable = new RouteTable<DattoRoute>("/api", dattoRoutes);

/** The API key a bearer token was issued to, or undefined when it is missing, unknown or expired. */
function keyOf(ctx: DattoContext, req: FastifyRequest): ApiKeyRec | undefined {
  const token = /^Bearer\s+(.+)$/i.exec(header(req, "authorization") ?? "")?.[1];
  const grant = token ? ctx.tokens.get(token) : undefined;
  if (!grant || grant.expiresAt <= ctx.clock.now()) return undefined;
  return ctx.data.apiKeys.get(grant.apiKey);
}

export function registerApiRoutes(app: FastifyInstance, ctx: DattoContext): void {
  dattoTable.register((method, url, route) =>
    app.route({
      method,
      url,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const info = requestInfo(ctx, req);
        if (req.method !== "GET") info.extra.requestBody = req.body;
        await takeLatency(info, ctx.settings.latency, route.latency, ctx.random);
        const key = keyOf(ctx, req);
        if (!key) return sendDattoError(ctx, req, reply, info, 401, verbatim.unauthorized);
        info.appId = key.apiKey;
        const admitted = ctx.rate.admit(ctx.clock.now(), req.method !== "GET", req.ip, ctx.settings);
        if (!admitted.ok) return sendRefused(ctx, req, reply, info, admitted);
        // Past 90 % of the window Datto holds each answer back a second.
        if (admitted.slow) await sleep(ctx.settings.rateLimit.slowdownMs);
        try {
          const body = route.handle({
            ctx,
            key,
            query: queryOf(req),
            params: req.params as Record<string, string>,
            body: req.body,
            apiRoot: `${originOf(req)}/api`,
            info,
          });
          info.extra.responseBody = body;
          if (body === undefined) return reply.code(200).send();
          return sendPlainJson(reply, 200, body);
        } catch (error) {
          if (!(error instanceof DattoHttpError)) throw error;
          return sendDattoError(ctx, req, reply, info, error.status, error.message);
        }
      },
    }),
  );
}
