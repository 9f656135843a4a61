import helmet from "@fastify/helmet";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import type { KeySource } from "../credentials/keys.ts";
import { LifecycleError } from "../domain/errors.ts";
import type { PortsResolver } from "../composition/client-ports.ts";
import type { SubmitOptions } from "../composition/submit.ts";
import type { Store } from "../store/sql.ts";
import { bearerAuth } from "./auth.ts";
import { errorCatalogue, errorSchemas, handleError, notFoundHandler } from "./errors.ts";
import { clientErrorHandler, frameworkErrors, maxParamLength, RouteMethods } from "./framework-errors.ts";
import { approvalLinkRoutes } from "./routes/approval-links.ts";
import { auditRoutes } from "./routes/audit.ts";
import { clientRoutes } from "./routes/clients.ts";
import { credentialRoutes } from "./routes/credentials.ts";
import { healthRoutes } from "./routes/health.ts";
import { oneTimeLinkRoutes } from "./routes/one-time-links.ts";
import { openapiRoutes } from "./routes/openapi.ts";
import { requestRoutes } from "./routes/requests.ts";
import { runCommandRoutes } from "./routes/run-commands.ts";
import { runLinkRoutes } from "./routes/run-links.ts";
import { runReportRoutes } from "./routes/run-report.ts";
import { runStreamRoutes } from "./routes/run-stream.ts";
import { runRoutes } from "./routes/runs.ts";
import { workflowRoutes } from "./routes/workflows.ts";
import { refuseUnstorableInput } from "./unstorable-input.ts";
import { serializerCompiler, toOpenApiSchema, validatorCompiler, type ZodTypeProvider } from "./zod.ts";

export interface ServerOptions {
  store: Store;
  /** When set, every /api route requires `Authorization: Bearer <apiToken>`; /healthz stays open. */
  apiToken?: string;
  logger?: boolean;
  /** Read-only questions the planner asks a client's systems (is this username taken?). */
  live?: SubmitOptions["live"];
  /** The clock requests are validated and planned against (start times in the past, approval expiry). */
  now?: () => Date;
  /** The master keys credentials and one-time links are sealed with. */
  keys?: KeySource;
  /** The clients' systems, for what the API sends itself (a re-issued one-time link). */
  ports?: PortsResolver;
  /** The audit checkpoint this server keeps (in its data folder), checked by every verification. */
  auditCheckpointFile?: string | undefined;
}

const noKeys: KeySource = () => {
  throw new LifecycleError({
    kind: "invalid",
    code: "MASTER_KEY_MISSING",
    message: "this server was started without a master key, so it cannot store or show secrets",
  });
};

// A one-time or approval link's token is a credential: it never reaches a log line.
const loggedUrl = (url: string) => url.replace(/^\/(credentials|approvals)\/[^/?]+/, "/$1/[token]");

const apiVersion = "0.1.0";

/** The HTTP API. Everything it depends on is passed in, so tests and the CLI build as many as they need. */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  if (opts.apiToken !== undefined && opts.apiToken.trim() === "") {
    throw new Error("apiToken is empty: leave it unset for an open API, or give a real token");
  }
  const { store } = opts;
  const now = opts.now ?? (() => new Date());
  const auth = opts.apiToken !== undefined;

  const keys = opts.keys ?? noKeys;
  const authenticate = opts.apiToken === undefined ? undefined : bearerAuth(opts.apiToken);
  const routes = new RouteMethods();
  const notFound = notFoundHandler((path) => routes.allowed(path));

  const app = Fastify({
    routerOptions: { maxParamLength },
    frameworkErrors: frameworkErrors(authenticate),
    clientErrorHandler,
    logger: opts.logger
      ? {
          serializers: {
            req: (req: FastifyRequest) => ({ method: req.method, url: loggedUrl(req.url), reqId: req.id }),
          },
        }
      : false,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(notFound);
  app.addHook("onRoute", (route) => routes.record(route));
  for (const schema of errorSchemas) app.addSchema(schema);
  app.addHook("preValidation", refuseUnstorableInput);

  await app.register(helmet);
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Lifecycle API",
        version: apiVersion,
        description:
          "Onboarding and offboarding for managed service providers. Every error answers " +
          "`{ error: { code, message, fields? } }` with a stable `code` from the ErrorCode schema.",
      },
      tags: [
        { name: "health" },
        { name: "meta" },
        { name: "clients" },
        { name: "requests" },
        { name: "runs" },
        { name: "workflows" },
        { name: "credentials" },
        { name: "one-time links" },
        { name: "approval links" },
        { name: "audit" },
      ],
      components: auth ? { securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } } } : {},
    },
    // Shared schemas keep their $id as their component name; the default would be "def-0", "def-1", ...
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === "string" ? json.$id : `def-${i}`,
    },
    transform: ({ schema, url }) => {
      const out = toOpenApiSchema(schema ?? {});
      if (auth && url.startsWith("/api/")) {
        const { status } = errorCatalogue.LC_ERR_UNAUTHENTICATED;
        out.security = [{ bearerAuth: [] }];
        out.response = {
          ...(out.response ?? {}),
          [status]: { $ref: "ErrorResponse#", description: "LC_ERR_UNAUTHENTICATED" },
        };
      }
      return { schema: out, url };
    },
  });

  await app.register(healthRoutes, { store });
  await app.register(oneTimeLinkRoutes, { store, keys });
  await app.register(approvalLinkRoutes, { store });
  await app.register(
    async (api) => {
      if (authenticate) api.addHook("onRequest", authenticate);
      // Here as well as at the root, so an unknown /api path is answered after the bearer check.
      api.setNotFoundHandler(notFound);
      await api.register(openapiRoutes);
      await api.register(clientRoutes, { store });
      await api.register(requestRoutes, { store, now, live: opts.live });
      await api.register(runRoutes, { store });
      await api.register(runCommandRoutes, { store });
      await api.register(runReportRoutes, { store });
      await api.register(runLinkRoutes, { store, keys, ...(opts.ports ? { ports: opts.ports } : {}) });
      await api.register(runStreamRoutes, { store });
      await api.register(credentialRoutes, { store, keys });
      await api.register(workflowRoutes, { store });
      await api.register(auditRoutes, { store, checkpointFile: opts.auditCheckpointFile });
    },
    { prefix: "/api" },
  );
  return app;
}
