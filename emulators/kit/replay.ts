import type { FastifyInstance, FastifyRequest } from "fastify";
import { batchItemHeader, header, type KitState } from "./pipeline.ts";

/**
 * A batch item replayed through the same server in-process, so it is authenticated, throttled, delayed,
 * faulted (by status only: it has no connection of its own) and logged like a direct call. It carries
 * the outer request's credentials, host and scheme, so links it answers point where the client is.
 */

export interface ReplayedItem {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | undefined;
}

export interface ReplayAnswer {
  status: number;
  headers: Record<string, string | undefined>;
  contentType: string;
  /** Parsed when the answer is JSON, the text otherwise, null when empty. */
  body: unknown;
}

export async function replayInProcess<Api extends string, Extra extends object>(
  app: FastifyInstance,
  state: KitState<Api, Extra>,
  outer: FastifyRequest,
  item: ReplayedItem,
): Promise<ReplayAnswer> {
  const response = await app.inject({
    method: item.method as "GET",
    url: item.url,
    headers: {
      ...item.headers,
      authorization: header(outer, "authorization") ?? "",
      host: outer.host,
      "x-forwarded-proto": outer.protocol,
      [batchItemHeader]: state.batchNonce,
    },
    ...(item.payload !== undefined ? { payload: item.payload } : {}),
  });
  const contentType = String(response.headers["content-type"] ?? "");
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(response.headers))
    headers[name.toLowerCase()] = value === undefined ? undefined : String(value);
  const body = !response.body
    ? null
    : contentType.includes("json")
      ? (JSON.parse(response.body) as unknown)
      : response.body;
  return { status: response.statusCode, headers, contentType, body };
}
