import type { FastifyBaseLogger, FastifyReply } from "fastify";
import { z } from "zod";
import type { PortsResolver } from "../../composition/client-ports.ts";
import {
  openFormLink,
  publicFormView,
  searchClientPeople,
  submissionStatus,
  submitThroughLink,
  type OpenedFormLink,
} from "../../composition/public-forms.ts";
import type { SubmitOptions } from "../../composition/submit.ts";
import type { KeySource } from "../../credentials/keys.ts";
import type { ClientConfig } from "../../domain/client.ts";
import type { Store } from "../../store/sql.ts";
import { ApiError, bodyErrors, errorResponses } from "../errors.ts";
import { escape, htmlResponse, page } from "../html-page.ts";
import { limitedResponse, linkLimits, linkPageOptions, privately } from "../link-pages.ts";
import {
  idempotencyHeaders,
  people,
  peopleQuery,
  publicForm,
  publicFormBody,
  publicPreview,
  publicStatus,
  publicSubmitted,
  statusPath,
  formStatusPage,
} from "../public-form-schemas.ts";
import type { RoutePlugin } from "./plugin.ts";

// Any token is looked up, so a malformed one answers as an unknown one does: no answer tells them apart.
const tokenParams = z.strictObject({ token: z.string().describe("The form link's token.") });
const statusParams = z.strictObject({
  statusToken: z.string().describe("The token of the status address a submission answered."),
});

/**
 * A form is used for a while by one person: the page, a type-ahead per keystroke or two, a preview or
 * three, a submission. Ten answers in a quarter of an hour (the mailed links' budget) would not do; this
 * still stops someone trying tokens from one address, or hammering one link from many.
 */
export const formLimits = {
  perAddress: { max: 120, timeWindow: 60_000 },
  perLink: { max: 600, timeWindow: 15 * 60_000 },
} satisfies typeof linkLimits;

type Unavailable = Exclude<OpenedFormLink, { kind: "ready" }>;

// The same words whoever asks: nothing says whose link it was, or when it stopped working.
function unavailable(state: Unavailable): ApiError {
  switch (state.kind) {
    case "not-found":
      return new ApiError("LC_ERR_NOT_FOUND", "no such form link: check that it was copied whole");
    case "revoked":
      return new ApiError("LC_ERR_GONE", "this form link was revoked: ask your IT provider for a new one");
    case "expired":
      return new ApiError("LC_ERR_GONE", "this form link has expired: ask your IT provider for a new one");
  }
}

const linkErrors = ["LC_ERR_NOT_FOUND", "LC_ERR_GONE"] as const;

export interface PublicFormDeps {
  store: Store;
  keys: KeySource;
  now: () => Date;
  publicUrl: () => string | undefined;
  live?: SubmitOptions["live"];
  ports?: PortsResolver | undefined;
  /** Answers with the web app's form page; undefined when no web app is served (the API alone). */
  formPage?: (reply: FastifyReply) => Promise<unknown> | undefined;
}

async function peopleFor(
  ports: PortsResolver | undefined,
  client: ClientConfig,
  q: string,
  log: FastifyBaseLogger,
) {
  try {
    return await searchClientPeople(ports, client, q);
  } catch (err) {
    // Why the directory failed (a credential, a vendor's answer) is the MSP's to read, in the log.
    log.warn({ err, client: client.id }, "the people search of a form link failed");
    throw new ApiError(
      "LC_ERR_UNAVAILABLE",
      "the directory cannot be searched right now: type the person's address instead",
    );
  }
}

/**
 * The API the client-facing form page is built on. Public: the link's token in the path is the
 * credential, for one client and one kind of form, and nothing it opens names another client.
 */
export const publicFormRoutes: RoutePlugin<PublicFormDeps> = async (app, deps) => {
  const { store, keys, now, publicUrl, live, ports, formPage } = deps;
  const limits = await linkPageOptions(app, "form links", {
    limits: formLimits,
    params: ["token", "statusToken"],
  });
  // Every answer of these routes, refusals and 429s included, is one person's.
  app.addHook("onRequest", async (_request, reply) => {
    privately(reply);
  });

  const open = async (token: string) => {
    const state = await openFormLink(store, token, now());
    if (state.kind !== "ready") throw unavailable(state);
    return state;
  };

  // A submission's status page outlives its form link (revoked or expired the next day): it needs only the
  // status token, which the page reads after the # and the server never sees in an address.
  app.get(
    formStatusPage,
    {
      // The per-address limit only: the page names no token, so a per-link limit would be everyone's.
      config: limits.config,
      schema: {
        summary: "The page a submission's status opens (its status token after #status=)",
        tags: ["public forms"],
        response: {
          200: htmlResponse("The status page."),
          ...limitedResponse,
          ...errorResponses(),
        },
      },
    },
    async (_request, reply) => {
      reply.type("text/html; charset=utf-8");
      const app = formPage?.(reply);
      if (app) return app;
      return reply.send(
        page(
          "Request status",
          "<p>This page needs the Lifecycle web app, which this server does not serve.</p>",
        ),
      );
    },
  );

  app.get(
    "/forms/:token",
    {
      ...limits,
      schema: {
        summary: "The page a form link opens (the web app's form is served here)",
        tags: ["public forms"],
        params: tokenParams,
        response: {
          200: htmlResponse("The form's page."),
          404: htmlResponse("No such link."),
          410: htmlResponse("The link was revoked or has expired."),
          ...limitedResponse,
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const state = await openFormLink(store, request.params.token, now());
      reply.type("text/html; charset=utf-8");
      if (state.kind !== "ready") {
        const err = unavailable(state);
        return reply.code(err.status).send(page("Form unavailable", `<p>${escape(err.message)}.</p>`));
      }
      // The web app reads the token from its own address, so the page it is served as names no link.
      const app = formPage?.(reply);
      if (app) return app;
      const what = state.link.kind === "onboard" ? "New starter" : "Leaver";
      return reply.send(
        page(
          `${what}: ${state.client.displayName}`,
          "<p>This form needs the Lifecycle web app, which this server does not serve.</p>",
        ),
      );
    },
  );

  app.get(
    "/api/public/forms/:token",
    {
      ...limits,
      schema: {
        summary: "The form a link opens: its client, fields, choices and what departments and roles imply",
        tags: ["public forms"],
        params: tokenParams,
        response: { 200: publicForm, ...limitedResponse, ...errorResponses(...linkErrors) },
      },
    },
    async (request) => {
      const { link, client } = await open(request.params.token);
      return publicFormView(link, client);
    },
  );

  app.get(
    "/api/public/forms/:token/people",
    {
      ...limits,
      schema: {
        summary: "People of the link's client, for the manager or user type-ahead",
        tags: ["public forms"],
        params: tokenParams,
        querystring: peopleQuery,
        response: {
          200: people,
          ...limitedResponse,
          ...errorResponses("LC_ERR_VALIDATION", ...linkErrors, "LC_ERR_UNAVAILABLE"),
        },
      },
    },
    async (request) => {
      const { client } = await open(request.params.token);
      return { people: await peopleFor(ports, client, request.query.q, request.log) };
    },
  );

  app.post(
    "/api/public/forms/:token/preview",
    {
      ...limits,
      schema: {
        summary:
          "The dry run of a request through the link: the plan, its hash and what the pre-flight found",
        tags: ["public forms"],
        params: tokenParams,
        body: publicFormBody,
        response: {
          200: publicPreview,
          ...limitedResponse,
          ...errorResponses("LC_ERR_VALIDATION", ...linkErrors, ...bodyErrors),
        },
      },
    },
    async (request) => {
      const { link } = await open(request.params.token);
      const result = await submitThroughLink(store, link, request.body, {
        now: now(),
        keys,
        live,
        dryRun: true,
      });
      if (!result.ok)
        throw new ApiError("LC_ERR_VALIDATION", `the ${link.kind} request is not valid`, {
          fields: result.errors,
        });
      if (!result.value.dryRun) throw new Error("a dry run stored a run");
      const { plan, planHash, findings } = result.value;
      return { planHash, plan, findings };
    },
  );

  app.post(
    "/api/public/forms/:token/submit",
    {
      ...limits,
      schema: {
        summary: "Submit a request through the link",
        description:
          "Needs an Idempotency-Key: the same key with the same body answers the first run and stores nothing new.",
        tags: ["public forms"],
        params: tokenParams,
        headers: idempotencyHeaders,
        body: publicFormBody,
        response: {
          201: publicSubmitted,
          ...limitedResponse,
          ...errorResponses("LC_ERR_VALIDATION", ...linkErrors, "LC_ERR_CONFLICT", ...bodyErrors),
        },
      },
    },
    async (request, reply) => {
      const { link } = await open(request.params.token);
      const result = await submitThroughLink(store, link, request.body, {
        now: now(),
        keys,
        live,
        dryRun: false,
        idempotencyKey: request.headers["idempotency-key"],
      });
      if (!result.ok)
        throw new ApiError("LC_ERR_VALIDATION", `the ${link.kind} request is not valid`, {
          fields: result.errors,
        });
      const s = result.value;
      if (s.dryRun) throw new Error("a submission was only planned");
      if (s.replayed) reply.header("idempotent-replayed", "true");
      const base = publicUrl()?.replace(/\/+$/, "") ?? "";
      return reply.code(201).send({
        runId: s.runId,
        status: s.status,
        statusUrl: `${base}${statusPath(s.statusToken)}`,
        statusPage: `${base}${formStatusPage}#status=${encodeURIComponent(s.statusToken)}`,
      });
    },
  );

  app.get(
    "/api/public/status/:statusToken",
    {
      ...limits,
      schema: {
        summary: "Where a run submitted through a form link stands, step by step",
        tags: ["public forms"],
        params: statusParams,
        response: { 200: publicStatus, ...limitedResponse, ...errorResponses("LC_ERR_NOT_FOUND") },
      },
    },
    async (request) => {
      const status = await submissionStatus(store, request.params.statusToken);
      if (!status)
        throw new ApiError("LC_ERR_NOT_FOUND", "no such status address: check that it was copied whole");
      return status;
    },
  );
};
