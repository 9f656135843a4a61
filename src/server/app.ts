import helmet from "@fastify/helmet";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance } from "fastify";
import type { KeySource } from "../credentials/keys.ts";
import { LifecycleError } from "../domain/errors.ts";
import type { PortsResolver } from "../composition/client-ports.ts";
import type { SubmitOptions } from "../composition/submit.ts";
import type { OidcSettings } from "../staff/oidc/index.ts";
import type { Store } from "../store/sql.ts";
import { hkdfSync, randomBytes } from "node:crypto";
import { errorCatalogue, errorSchemas, handleError, notFoundHandler } from "./errors.ts";
import { clientErrorHandler, frameworkErrors, maxParamLength, RouteMethods } from "./framework-errors.ts";
import { harden, hardenedServerOptions, limitsOf, type Hardening } from "./hardening/index.ts";
import { approvalLinkRoutes } from "./routes/approval-links.ts";
import { auditRoutes } from "./routes/audit.ts";
import { bulkRoutes } from "./routes/bulk.ts";
import { clientRoutes } from "./routes/clients.ts";
import { clientConfigRoutes } from "./routes/client-config.ts";
import { credentialRoutes } from "./routes/credentials.ts";
import { dashboardRoutes } from "./routes/dashboard.ts";
import { formLinkRoutes } from "./routes/form-links.ts";
import { healthRoutes } from "./routes/health.ts";
import { oidcSignInRoutes } from "./routes/oidc-sign-in.ts";
import { oneTimeLinkRoutes } from "./routes/one-time-links.ts";
import { publicFormRoutes } from "./routes/public-forms.ts";
import { openapiRoutes } from "./routes/openapi.ts";
import { requestRoutes } from "./routes/requests.ts";
import { runCommandRoutes } from "./routes/run-commands.ts";
import { runLinkRoutes } from "./routes/run-links.ts";
import { runReportRoutes } from "./routes/run-report.ts";
import { runScheduleRoutes } from "./routes/run-schedule.ts";
import { runStreamRoutes } from "./routes/run-stream.ts";
import { runRoutes } from "./routes/runs.ts";
import { workflowRoutes } from "./routes/workflows.ts";
import { signInRoutes } from "./routes/sign-in.ts";
import { staffRoutes } from "./routes/staff.ts";
import { sessionCookieName } from "./session-cookie.ts";
import { authenticate as staffAuthenticate, staffAuth, type StaffAuthOptions } from "./staff-auth.ts";
import { refuseUnstorableInput } from "./unstorable-input.ts";
import { serveConsole, type ConsoleOptions } from "./console/index.ts";
import { serializerCompiler, toOpenApiSchema, validatorCompiler, type ZodTypeProvider } from "./zod.ts";

/** Hardening (src/server/hardening): the log, the Host allow-list, proxy trust, timeouts and caps. */
export interface ServerOptions extends Hardening {
  store: Store;
  /** Where people reach this server (https makes its cookies Secure); sign-in links are made from it. */
  publicUrl?: () => string | undefined;
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
  /** Sign-in with the MSP's own identity provider (Entra) over OpenID Connect; off when unset. */
  oidc?: OidcSettings | undefined;
  /** The web console and public forms (web/dist); `false` serves the API alone. */
  console?: ConsoleOptions | false;
}

const noKeys: KeySource = () => {
  throw new LifecycleError({
    kind: "invalid",
    code: "MASTER_KEY_MISSING",
    message: "this server was started without a master key, so it cannot store or show secrets",
  });
};

const apiVersion = "0.1.0";

/** CSRF tokens' key, from the master key so a restart keeps them; a server without one makes its own. */
function csrfKeyFrom(keys: KeySource): Buffer {
  let master: Buffer;
  try {
    master = keys().current.key;
  } catch {
    master = randomBytes(32);
  }
  return Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), "lifecycle csrf v1", 32));
}

/** The HTTP API. Everything it depends on is passed in, so tests and the CLI build as many as they need. */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const { store } = opts;
  const now = opts.now ?? (() => new Date());
  const publicUrl = opts.publicUrl ?? (() => undefined);
  const keys = opts.keys ?? noKeys;
  const authOptions: StaffAuthOptions = {
    store,
    now,
    csrfKey: csrfKeyFrom(keys),
    secureCookies: publicUrl()?.startsWith("https:") ?? false,
  };
  const authenticate = staffAuthenticate(authOptions);
  const routes = new RouteMethods();
  const notFound = notFoundHandler((path) => routes.allowed(path));

  const app = Fastify({
    ...hardenedServerOptions(opts),
    routerOptions: { maxParamLength },
    frameworkErrors: frameworkErrors(authenticate),
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  harden(app, opts);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  let consoleSite: Awaited<ReturnType<typeof serveConsole>> | undefined;
  // The console's router draws its own paths, so a browser's GET for one of them is answered with it.
  app.setNotFoundHandler((request, reply) =>
    consoleSite?.wants(request) ? consoleSite.send(reply) : notFound(request, reply),
  );
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
        { name: "dashboard" },
        { name: "meta" },
        { name: "clients" },
        { name: "requests" },
        { name: "runs" },
        { name: "bulk" },
        { name: "workflows" },
        { name: "credentials" },
        { name: "one-time links" },
        { name: "approval links" },
        { name: "form links" },
        { name: "public forms" },
        { name: "audit" },
        { name: "staff" },
        { name: "auth" },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: "http", scheme: "bearer", description: "A personal API token (lct_…)." },
          sessionCookie: { type: "apiKey", in: "cookie", name: sessionCookieName },
        },
      },
    },
    // Shared schemas keep their $id as their component name; the default would be "def-0", "def-1", ...
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === "string" ? json.$id : `def-${i}`,
    },
    transform: ({ schema, url, route: routeOptions }) => {
      const out = toOpenApiSchema(schema ?? {});
      const access = routeOptions.config?.access;
      if (access && !("public" in access)) {
        const { status } = errorCatalogue.LC_ERR_UNAUTHENTICATED;
        out.security = [{ bearerAuth: [] }, { sessionCookie: [] }];
        out["x-permission"] = access.permission;
        if (access.client) out["x-client-scoped"] = true;
        out.response = {
          ...(out.response ?? {}),
          [status]: { $ref: "ErrorResponse#", description: "LC_ERR_UNAUTHENTICATED" },
        };
      }
      return { schema: out, url };
    },
  });

  await staffAuth(app, authOptions);
  await app.register(healthRoutes, { store });
  await app.register(signInRoutes, { store, now, secureCookies: authOptions.secureCookies });
  await app.register(oneTimeLinkRoutes, { store, keys });
  await app.register(approvalLinkRoutes, { store });
  await app.register(oidcSignInRoutes, { store, now, oidc: opts.oidc });
  await app.register(publicFormRoutes, {
    store,
    keys,
    now,
    publicUrl,
    live: opts.live,
    ports: opts.ports,
    // Read at request time: the console's site is registered last, after every route of its own.
    formPage: (reply) => consoleSite?.sendForm(reply),
  });
  await app.register(
    async (api) => {
      // Here as well as at the root, so an unknown /api path is answered after the bearer check.
      api.setNotFoundHandler(notFound);
      await api.register(openapiRoutes);
      await api.register(clientRoutes, { store });
      await api.register(formLinkRoutes, { store, now, publicUrl, ports: opts.ports });
      await api.register(requestRoutes, { store, now, live: opts.live });
      await api.register(bulkRoutes, { store, now, live: opts.live });
      await api.register(runRoutes, { store });
      await api.register(runCommandRoutes, { store });
      await api.register(runScheduleRoutes, { store, now });
      await api.register(dashboardRoutes, { store });
      await api.register(clientConfigRoutes, { store, keys });
      await api.register(runReportRoutes, { store });
      await api.register(runLinkRoutes, { store, keys, ...(opts.ports ? { ports: opts.ports } : {}) });
      await api.register(runStreamRoutes, { store, maxStreamsPerCaller: limitsOf(opts).maxStreamsPerCaller });
      await api.register(credentialRoutes, { store, keys });
      await api.register(workflowRoutes, { store });
      await api.register(auditRoutes, { store, checkpointFile: opts.auditCheckpointFile });
      await api.register(staffRoutes, { store, now, publicUrl });
    },
    { prefix: "/api" },
  );
  if (opts.console !== false) consoleSite = await serveConsole(app, opts.console);
  return app;
}
