import { header, requestInfo } from "../../kit/pipeline.ts";
import { replayInProcess } from "../../kit/replay.ts";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { authenticate } from "../auth.ts";
import type { EmulatorContext } from "../context.ts";
import { GraphError } from "../errors.ts";
import { sendGraphError, sendJson } from "../http.ts";
import { getCaseless, isObject, type Json, type JsonObject } from "../json.ts";

/**
 * JSON batching (reference §0.3). Items are replayed through the same server in-process, so each
 * one is authenticated, throttled (per-item 429 with its own Retry-After), delayed and logged like a
 * direct call. Items without dependencies run in parallel; answers come back shuffled.
 */

export const maxBatchItems = 20;

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

interface ItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: Json;
}

// Unconfirmed texts (reference §20): the service's wording for these batch refusals was not captured.
const batchError = (message: string): GraphError => new GraphError(400, "BadRequest", message);

function parseBatch(body: unknown): BatchItem[] {
  const requests = isObject(body) ? getCaseless(body, "requests") : undefined;
  if (!Array.isArray(requests)) throw batchError("Invalid batch payload format.");
  if (requests.length > maxBatchItems) {
    throw batchError(
      `The number of requests in the batch (${requests.length}) exceeds the limit of ${maxBatchItems}.`,
    );
  }
  const items = requests.map((raw): BatchItem => {
    if (!isObject(raw)) throw batchError("Invalid batch payload format.");
    const id = getCaseless(raw, "id");
    const method = getCaseless(raw, "method");
    const url = getCaseless(raw, "url");
    if (typeof id !== "string" || !id || typeof method !== "string" || typeof url !== "string") {
      throw batchError("Invalid batch payload format.");
    }
    const rawHeaders = getCaseless(raw, "headers");
    const headers = isObject(rawHeaders)
      ? Object.fromEntries(Object.entries(rawHeaders).map(([k, v]) => [k.toLowerCase(), String(v)]))
      : {};
    const rawDepends = getCaseless(raw, "dependsOn");
    const dependsOn = Array.isArray(rawDepends) ? rawDepends.map(String) : [];
    return { id, method: method.toUpperCase(), url, headers, body: getCaseless(raw, "body"), dependsOn };
  });
  const ids = new Set<string>();
  for (const item of items) {
    const key = item.id.toLowerCase();
    if (ids.has(key))
      throw batchError(`Request Id '${item.id}' is duplicated. Request Ids must be unique within a batch.`);
    ids.add(key);
  }
  for (const item of items) {
    for (const dep of item.dependsOn) {
      if (!ids.has(dep.toLowerCase()) || dep.toLowerCase() === item.id.toLowerCase()) {
        throw batchError(`Request '${item.id}' depends on '${dep}', which is not a request of the batch.`);
      }
    }
  }
  assertAcyclic(items);
  return items;
}

function assertAcyclic(items: BatchItem[]): void {
  const byId = new Map(items.map((i) => [i.id.toLowerCase(), i]));
  const state = new Map<string, "visiting" | "done">();
  const visit = (item: BatchItem): void => {
    const key = item.id.toLowerCase();
    if (state.get(key) === "done") return;
    if (state.get(key) === "visiting")
      throw batchError(`The dependsOn of request '${item.id}' forms a cycle.`);
    state.set(key, "visiting");
    for (const dep of item.dependsOn) visit(byId.get(dep.toLowerCase()) as BatchItem);
    state.set(key, "done");
  };
  items.forEach(visit);
}

const keptHeaders: Record<string, string> = {
  "content-type": "Content-Type",
  "retry-after": "Retry-After",
  location: "Location",
  "cache-control": "Cache-Control",
  "odata-version": "OData-Version",
  "x-ms-resource-unit": "x-ms-resource-unit",
  "x-ms-throttle-scope": "x-ms-throttle-scope",
  "x-ms-throttle-information": "x-ms-throttle-information",
  "x-ms-throttle-limit-percentage": "x-ms-throttle-limit-percentage",
};

function errorItem(id: string, status: number, code: string, message: string): ItemResponse {
  return {
    id,
    status,
    headers: { "Content-Type": "application/json" },
    body: { error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19) } } },
  };
}

async function runItem(
  app: FastifyInstance,
  ctx: EmulatorContext,
  req: FastifyRequest,
  item: BatchItem,
): Promise<ItemResponse> {
  if (/^https?:/i.test(item.url)) {
    return errorItem(
      item.id,
      400,
      "BadRequest",
      "Invalid request URL. Batch request URLs must be relative, e.g. '/users'.",
    );
  }
  if (item.body !== undefined && item.body !== null && !item.headers["content-type"]) {
    return errorItem(
      item.id,
      400,
      "BadRequest",
      `Write request id : ${item.id} does not contain Content-Type header or body.`,
    );
  }
  const path = item.url.replace(/^\/?(v1\.0\/)?/i, "/");
  if (/^\/\$batch/i.test(path))
    return errorItem(item.id, 400, "BadRequest", "Nested batch requests are not supported.");
  const payload =
    item.body === undefined || item.body === null
      ? undefined
      : typeof item.body === "string"
        ? item.body
        : JSON.stringify(item.body);
  const response = await replayInProcess(app, ctx, req, {
    method: item.method,
    url: `/v1.0${path}`,
    headers: item.headers,
    payload,
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    const canonical = keptHeaders[name];
    if (canonical && value !== undefined) headers[canonical] = value;
  }
  const out: ItemResponse = { id: item.id, status: response.status, headers };
  if (response.body !== null) out.body = response.body as Json;
  return out;
}

async function runBatch(
  app: FastifyInstance,
  ctx: EmulatorContext,
  req: FastifyRequest,
  items: BatchItem[],
): Promise<ItemResponse[]> {
  const running = new Map<string, Promise<ItemResponse>>();
  const start = (item: BatchItem): Promise<ItemResponse> => {
    const key = item.id.toLowerCase();
    const existing = running.get(key);
    if (existing) return existing;
    const deps = item.dependsOn.map((d) =>
      start(items.find((i) => i.id.toLowerCase() === d.toLowerCase()) as BatchItem),
    );
    const promise = Promise.all(deps).then((done) =>
      done.some((d) => d.status >= 400)
        ? errorItem(
            item.id,
            424,
            "FailedDependency",
            "The request depends on a request of the batch that failed.",
          )
        : runItem(app, ctx, req, item),
    );
    running.set(key, promise);
    return promise;
  };
  return Promise.all(items.map(start));
}

function shuffle<T>(values: T[], random: () => number): T[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export function registerBatch(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post("/v1.0/$batch", async (req, reply): Promise<FastifyReply> => {
    const info = requestInfo(ctx, req);
    try {
      const auth = authenticate(ctx, header(req, "authorization"), "graph");
      info.tenantId = auth.tenant.id;
      info.appId = auth.appId;
      const items = parseBatch(req.body);
      const responses = shuffle(await runBatch(app, ctx, req, items), ctx.random);
      reply.header("OData-Version", "4.0");
      const body: JsonObject[] = responses.map((r) => ({
        id: r.id,
        status: r.status,
        headers: r.headers,
        ...(r.body !== undefined ? { body: r.body } : {}),
      }));
      return sendJson(reply, 200, { responses: body });
    } catch (error) {
      if (!(error instanceof GraphError)) throw error;
      return sendGraphError(reply, error, info, ctx.clock.now());
    }
  });
}
