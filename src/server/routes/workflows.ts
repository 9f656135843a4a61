import { z } from "zod";
import {
  checkClientWorkflow,
  clientWorkflowHistory,
  loadClientOverlay,
  loadClientWorkflow,
  saveClientWorkflow,
  savedOverlayView,
  workflowView,
} from "../../composition/index.ts";
import type { Result } from "../../domain/result.ts";
import type { Store } from "../../store/sql.ts";
import {
  stepPatchSchema,
  workflowDefinitionSchema,
  workflowKinds,
  workflowOverlaySchema,
  workflowStepSchema,
} from "../../workflows/index.ts";
import { ApiError, bodyErrors, errorResponses } from "../errors.ts";
import { clientFromParams, principalOf } from "../principal.ts";
import { jsonSchemaOf } from "../zod.ts";
import type { RoutePlugin } from "./plugin.ts";

// A condition nests conditions; as JSON Schema that is a local $defs reference, which the OpenAPI
// document's components cannot hold. The document names its forms; the workflow schema enforces them.
const condition = z
  .unknown()
  .describe(
    "A condition: {equals: [a, b]}, {in: [a, list]}, {present: path}, {all}, {any}, {not}, {serves: port}.",
  );
const step = workflowStepSchema.extend({ when: condition.optional() });
const definition = workflowDefinitionSchema
  .extend({ steps: z.array(step) })
  .describe("The effective definition: the built-in with the client's overlay applied.");
const overlay = workflowOverlaySchema.extend({
  add: z.array(step).optional(),
  patch: z.record(z.string(), stepPatchSchema.extend({ when: condition.nullable().optional() })).optional(),
});

// Plain JSON Schema, so the route validator lets the overlay through to the workflow's own checks, which
// name fields the same way whether the overlay came from this route, the CLI or a file.
const overlayBody = { ...jsonSchemaOf(overlay, "input"), description: "A workflow overlay, as exported." };

const params = z.strictObject({
  // Named as in /clients/{id}: the route tree shares the segment, and one name keeps it one parameter.
  id: z.string().min(1).max(100).describe("The client's id."),
  kind: z.enum(workflowKinds),
});
// Versions are stored as PostgreSQL integers: a larger number names no version and must not reach the query.
const versionParams = params.extend({ version: z.coerce.number().int().min(1).max(2_147_483_647) });

const saved = {
  client: z.string(),
  kind: z.enum(workflowKinds),
  version: z.number().nullable().describe("The saved version; null when the client runs the built-in."),
  savedBy: z.string().nullable(),
  savedAt: z.date().nullable(),
};
const workflowReply = z
  .object({ ...saved, extends: z.string(), definition })
  .describe("The client's workflow: which version, what it extends, and the definition it plans with.");
const overlayReply = z
  .object({ ...saved, overlay: z.unknown().describe("The overlay as saved, or an empty one.") })
  .describe("The client's overlay as saved (an empty one extending the built-in when none is).");
const versionReply = z
  .object({ ...saved, version: z.number(), extends: z.string(), overlay, definition })
  .describe("One saved version: its overlay and the definition it resolves to.");
const historyReply = z
  .array(z.object({ version: z.number(), savedBy: z.string(), savedAt: z.date(), extends: z.string() }))
  .describe("Every saved version, newest first.");
const validateReply = z
  .object({
    valid: z.boolean(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })),
    definition: definition.optional().describe("When valid: the definition a save would plan with."),
  })
  .describe("Whether the overlay would save; nothing was saved.");

/** An unknown client or version in the path is a 404 naming it; any other error names the body's fields. */
function unwrap<T>(r: Result<T>, invalid: string): T {
  if (r.ok) return r.value;
  const missing = r.errors.find((e) => e.field === "client" || e.field === "version");
  if (missing) throw new ApiError("LC_ERR_NOT_FOUND", missing.message, { fields: [missing] });
  // A saved version that no longer applies is the store's state, not the caller's request.
  if (r.errors.every((e) => e.field.startsWith("workflow.")))
    throw new ApiError("LC_ERR_CONFLICT", "the saved workflow no longer applies", { fields: r.errors });
  throw new ApiError("LC_ERR_VALIDATION", invalid, { fields: r.errors });
}

const readErrors = errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND", "LC_ERR_CONFLICT");

/**
 * A client's workflows: the effective definition, the overlay it comes from, its history, and saving or
 * checking a new one. The overlay travels as the exported file does, so a file kept in git is a body here.
 */
export const workflowRoutes: RoutePlugin<{ store: Store }> = async (app, { store }) => {
  const base = "/clients/:id/workflows/:kind";

  app.get(
    base,
    {
      config: { access: { permission: "read", client: clientFromParams() } },
      schema: {
        summary: "A client's effective workflow of a kind",
        tags: ["workflows"],
        params,
        response: { 200: workflowReply, ...readErrors },
      },
    },
    async (request) => {
      const { id: client, kind } = request.params;
      return workflowView(unwrap(await loadClientWorkflow(store, client, kind), "the workflow is not valid"));
    },
  );

  app.get(
    `${base}/overlay`,
    {
      config: { access: { permission: "read", client: clientFromParams() } },
      schema: {
        summary: "A client's latest overlay of a kind (an empty one when none is saved)",
        description:
          "Answers even when the saved overlay no longer applies, so it can be exported and fixed.",
        tags: ["workflows"],
        params,
        response: { 200: overlayReply, ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND") },
      },
    },
    async (request) => {
      const { id: client, kind } = request.params;
      return savedOverlayView(
        unwrap(await loadClientOverlay(store, client, kind), "the overlay cannot be read"),
      );
    },
  );

  app.put(
    `${base}/overlay`,
    {
      config: { access: { permission: "configure", client: clientFromParams() } },
      schema: {
        summary: "Save a client's overlay as its next version",
        description:
          "Validated against the built-in it extends and the client's configuration; when anything is wrong, " +
          "nothing is saved and `fields` names each error in the overlay. Saving an empty overlay resets the " +
          "client to the built-in (as a new version).",
        tags: ["workflows"],
        params,
        body: overlayBody,
        response: {
          200: workflowReply.describe("The saved version."),
          ...readErrors,
          ...errorResponses(...bodyErrors),
        },
      },
    },
    async (request) => {
      const { id: client, kind } = request.params;
      const res = await saveClientWorkflow(store, {
        clientId: client,
        kind,
        input: request.body,
        actor: principalOf(request).email,
      });
      return workflowView(unwrap(res, "the workflow is not valid; nothing was saved"));
    },
  );

  app.post(
    `${base}/validate`,
    {
      config: { access: { permission: "read", client: clientFromParams() } },
      schema: {
        summary: "Check an overlay as a save would, without saving it",
        tags: ["workflows"],
        params,
        body: overlayBody,
        response: {
          200: validateReply,
          ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND", ...bodyErrors),
        },
      },
    },
    async (request) => {
      const { id: client, kind } = request.params;
      const res = await checkClientWorkflow(store, { clientId: client, kind, input: request.body });
      if (res.ok) return { valid: true, errors: [], definition: res.value.definition };
      if (res.errors.some((e) => e.field === "client")) unwrap(res, "");
      return { valid: false, errors: res.errors };
    },
  );

  app.get(
    `${base}/history`,
    {
      config: { access: { permission: "read", client: clientFromParams() } },
      schema: {
        summary: "Every saved version of a client's workflow of a kind",
        tags: ["workflows"],
        params,
        response: { 200: historyReply, ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND") },
      },
    },
    async (request) => {
      const { id: client, kind } = request.params;
      return unwrap(await clientWorkflowHistory(store, client, kind), "the history cannot be read");
    },
  );

  app.get(
    `${base}/versions/:version`,
    {
      config: { access: { permission: "read", client: clientFromParams() } },
      schema: {
        summary: "One saved version of a client's workflow",
        tags: ["workflows"],
        params: versionParams,
        response: { 200: versionReply, ...readErrors },
      },
    },
    async (request) => {
      const { id: client, kind, version } = request.params;
      const w = unwrap(
        await loadClientWorkflow(store, client, kind, { version }),
        "the workflow is not valid",
      );
      return { ...workflowView(w), version, overlay: w.overlay };
    },
  );
};
