import { header, originOf, queryOf, requestInfo, takeLatency } from "../../kit/pipeline.ts";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { authenticate, authorize, type AuthInfo } from "../auth.ts";
import type { EmulatorContext, RequestInfo } from "../context.ts";
import { ExoError, exoErrors, GraphError } from "../errors.ts";
import { graphContentType, sendGraphError } from "../http.ts";
import { getCaseless, isObject, type JsonObject } from "../json.ts";
import { settle, throttle } from "../pipeline.ts";
import type { Cmdlet } from "./cmdlet.ts";
import { findCmdlet } from "./cmdlets/index.ts";
import { registerExchangeBatch } from "./batch.ts";
import { Params } from "./params.ts";

/**
 * The Exchange Online admin API's InvokeCommand (reference §16): one cmdlet per POST, the answer in
 * a GenericHashTable collection with warnings beside it, paging by re-POSTing to @odata.nextLink.
 */

const warningsType = { "adminapi.warnings@odata.type": "#Collection(String)" };

export interface InvokeInput {
  cmdlet: Cmdlet;
  params: Params;
}

function parseInput(body: unknown): InvokeInput {
  const input = isObject(body) ? getCaseless(body, "CmdletInput") : undefined;
  const name = isObject(input) ? getCaseless(input, "CmdletName") : undefined;
  if (!isObject(input) || typeof name !== "string" || !name) {
    throw exoErrors.parameterMissing("CmdletInput.CmdletName", "InvokeCommand");
  }
  const cmdlet = findCmdlet(name);
  if (!cmdlet) throw exoErrors.unknownCmdlet(name);
  return { cmdlet, params: new Params(getCaseless(input, "Parameters"), cmdlet.name, cmdlet.parameters) };
}

export function exoErrorBody(error: ExoError): JsonObject {
  const trace = "   at Microsoft.Exchange.AdminApi.CommandInvocation.CommandInvoker.Invoke()";
  return {
    error: {
      code: error.code,
      message: "Error executing cmdlet",
      details: [
        { code: "Client", target: "", message: `${error.exCode}|${error.exceptionType}|${error.text}` },
      ],
      innererror: {
        message: "Error executing cmdlet",
        type: "Microsoft.Exchange.Admin.OData.Core.ODataServiceException",
        stacktrace: trace,
        internalexception: {
          message:
            "Exception of type 'Microsoft.Exchange.Management.PSDirectInvoke.DirectInvokeCmdletExecutionException' was thrown.",
          type: "Microsoft.Exchange.Management.PSDirectInvoke.DirectInvokeCmdletExecutionException",
          stacktrace: trace,
        },
      },
    },
    ...warningsType,
    "@adminapi.warnings": [],
  };
}

function sendExoError(reply: FastifyReply, error: ExoError): FastifyReply {
  return reply
    .code(error.status)
    .header("content-type", graphContentType)
    .header("X-ExceptionType", error.exceptionType.split(".").pop() ?? error.exceptionType)
    .send(JSON.stringify(exoErrorBody(error)));
}

function authorizeExchange(ctx: EmulatorContext, req: FastifyRequest, tenantSegment: string): AuthInfo {
  const auth = authenticate(ctx, header(req, "authorization"), "exchange");
  if (ctx.store.find(tenantSegment)?.id !== auth.tenant.id) {
    throw new GraphError(
      401,
      "InvalidAuthenticationToken",
      "The token's tenant does not match the tenant in the request URL.",
    );
  }
  authorize(
    auth,
    ["Exchange.ManageAsApp"],
    () =>
      new GraphError(403, "Forbidden", "The role assigned to application isn't supported in this scenario."),
  );
  return auth;
}

const skipPrefix = "adminapi-page-";

async function invoke(
  ctx: EmulatorContext,
  req: FastifyRequest,
  reply: FastifyReply,
  tenantSegment: string,
  info: RequestInfo,
): Promise<FastifyReply> {
  const auth = authorizeExchange(ctx, req, tenantSegment);
  info.tenantId = auth.tenant.id;
  info.appId = auth.appId;
  const { cmdlet, params } = parseInput(req.body);
  info.extra.cmdlet = cmdlet.name;
  const limitHeaders = throttle(ctx, auth, "exchange", 1, !cmdlet.name.startsWith("Get-"));
  await takeLatency(info, ctx.settings.latency, cmdlet.latency, ctx.random);
  settle(ctx, auth.tenant);
  const result = cmdlet.run({ ctx, tenant: auth.tenant, auth, params, now: ctx.clock.now() });
  const query = queryOf(req);
  const select = query.$select?.split(",").map((s) => s.trim().toLowerCase());
  let value = select
    ? result.value.map((row) =>
        Object.fromEntries(
          Object.entries(row).filter(([k]) => select.includes(k.split("@")[0]?.toLowerCase() ?? "")),
        ),
      )
    : result.value;
  const pageSize = Number(/odata\.maxpagesize=(\d+)/i.exec(header(req, "prefer") ?? "")?.[1] ?? 1000);
  const skip = query.$skiptoken?.startsWith(skipPrefix)
    ? Number(query.$skiptoken.slice(skipPrefix.length)) || 0
    : 0;
  const more = value.length > skip + pageSize;
  value = value.slice(skip, skip + pageSize);
  const origin = originOf(req);
  const body: JsonObject = {
    "@odata.context": `${origin}/adminapi/beta/${tenantSegment}/$metadata#Collection(Exchange.GenericHashTable)`,
    ...warningsType,
    "@adminapi.warnings": result.warnings,
  };
  if (more)
    body["@odata.nextLink"] =
      `${origin}/adminapi/beta/${tenantSegment}/InvokeCommand?$skiptoken=${skipPrefix}${skip + pageSize}`;
  body.value = value;
  for (const [name, v] of Object.entries(limitHeaders)) reply.header(name, v);
  if (result.warnings.length) reply.header("X-Warnings", result.warnings.join("; "));
  return reply.code(200).header("content-type", graphContentType).send(JSON.stringify(body));
}

export function registerExchange(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post<{ Params: { tenant: string } }>("/adminapi/beta/:tenant/InvokeCommand", async (req, reply) => {
    const info = requestInfo(ctx, req);
    const tenantKey = ctx.store.find(req.params.tenant)?.id ?? req.params.tenant;
    const limit = ctx.settings.exoMaxConcurrency;
    const inFlight = ctx.exoInFlight.get(tenantKey) ?? 0;
    if (limit > 0 && inFlight >= limit) {
      return reply
        .code(429)
        .header("content-type", "text/plain; charset=utf-8")
        .send(
          "You have reached the maximum number of concurrent requests per tenant. Please wait and try again",
        );
    }
    ctx.exoInFlight.set(tenantKey, inFlight + 1);
    try {
      return await invoke(ctx, req, reply, req.params.tenant, info);
    } catch (error) {
      if (error instanceof ExoError) return sendExoError(reply, error);
      if (error instanceof GraphError) return sendGraphError(reply, error, info, ctx.clock.now());
      throw error;
    } finally {
      ctx.exoInFlight.set(tenantKey, (ctx.exoInFlight.get(tenantKey) ?? 1) - 1);
    }
  });

  registerExchangeBatch(app, ctx, (req, tenant) => authorizeExchange(ctx, req, tenant));
}
