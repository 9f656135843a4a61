import { requestInfo } from "../../kit/pipeline.ts";
import { replayInProcess } from "../../kit/replay.ts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AuthInfo } from "../auth.ts";
import type { EmulatorContext } from "../context.ts";
import { GraphError, graphErrors } from "../errors.ts";
import { graphContentType, sendGraphError } from "../http.ts";
import { getCaseless, isObject, type Json } from "../json.ts";

/**
 * The Exchange admin API's $batch: each item names a full InvokeCommand URL and carries its own
 * CmdletInput. Items are replayed in-process and answered in request order. CIPP sends ten at a time;
 * the service's own limit is unconfirmed, so ten is enforced here.
 */

export const maxExoBatchItems = 10;

interface ItemAnswer {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: Json;
}

async function runItem(
  app: FastifyInstance,
  ctx: EmulatorContext,
  req: FastifyRequest,
  raw: unknown,
): Promise<ItemAnswer> {
  const item = isObject(raw) ? raw : {};
  const id = String(getCaseless(item, "id") ?? "");
  const path = String(getCaseless(item, "url") ?? "").replace(/^https?:\/\/[^/]+/i, "");
  if (!/^\/adminapi\/beta\/[^/]+\/InvokeCommand(\?|$)/i.test(path)) {
    const message = `Batch item '${id}' must POST an InvokeCommand URL.`;
    return {
      id,
      status: 400,
      headers: { "Content-Type": "application/json" },
      body: { error: { code: "BadRequest", message } },
    };
  }
  const sent = getCaseless(item, "headers");
  const itemHeaders = isObject(sent)
    ? Object.fromEntries(Object.entries(sent).map(([k, v]) => [k, String(v)]))
    : {};
  const response = await replayInProcess(app, ctx, req, {
    method: "POST",
    url: path,
    headers: { ...itemHeaders, "content-type": "application/json" },
    payload: JSON.stringify(getCaseless(item, "body") ?? {}),
  });
  const headers: Record<string, string> = { "Content-Type": response.contentType };
  const retryAfter = response.headers["retry-after"];
  if (retryAfter !== undefined) headers["Retry-After"] = retryAfter;
  return { id, status: response.status, headers, body: response.body as Json };
}

export function registerExchangeBatch(
  app: FastifyInstance,
  ctx: EmulatorContext,
  authorize: (req: FastifyRequest, tenant: string) => AuthInfo,
): void {
  app.post<{ Params: { tenant: string } }>("/adminapi/beta/:tenant/$batch", async (req, reply) => {
    const info = requestInfo(ctx, req);
    try {
      const auth = authorize(req, req.params.tenant);
      info.tenantId = auth.tenant.id;
      info.appId = auth.appId;
      const requests = isObject(req.body) ? getCaseless(req.body, "requests") : undefined;
      if (!Array.isArray(requests)) throw graphErrors.badRequest("Invalid batch payload format.");
      if (requests.length > maxExoBatchItems) {
        throw graphErrors.badRequest(
          `The number of requests in the batch (${requests.length}) exceeds the limit of ${maxExoBatchItems}.`,
        );
      }
      const responses = await Promise.all(requests.map((raw) => runItem(app, ctx, req, raw)));
      return reply.code(200).header("content-type", graphContentType).send(JSON.stringify({ responses }));
    } catch (error) {
      if (!(error instanceof GraphError)) throw error;
      return sendGraphError(reply, error, info, ctx.clock.now());
    }
  });
}
