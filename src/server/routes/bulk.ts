import { z } from "zod";
import {
  approveBatch,
  rejectBatch,
  batchView,
  bulkLimits,
  submitBatch,
  uploadBatch,
  type BulkOptions,
} from "../../composition/bulk.ts";
import { runStatuses } from "../../domain/run-status.ts";
import { tooManyRowsField } from "../../requests/bulk-csv.ts";
import { batchClient, listBatches } from "../../store/bulk-repo.ts";
import type { Store } from "../../store/sql.ts";
import { ApiError, bodyErrors, errorResponses } from "../errors.ts";
import { clientFromQuery, principalOf, type ClientOf } from "../principal.ts";
import { planFinding, runStatus } from "../schemas.ts";
import type { RoutePlugin } from "./plugin.ts";

const clientId = z.string().min(1).max(100).describe("The client's id.");
const batchParams = z.strictObject({ batchId: z.guid({ error: "must be a batch id (a UUID)" }) });
const uploadQuery = z.strictObject({ client: clientId });
const listQuery = z.strictObject({
  client: clientId,
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .optional()
    .describe("At most this many, newest first (default 50)."),
});

const csvBody = z
  .string()
  .describe(
    `The CSV file (text/csv, UTF-8, at most ${bulkLimits.maxBytes / 1024} KiB and ${bulkLimits.maxRows} rows). The header names the columns: a form field's key or label (any case); an offboarding action as "actions.<key>" (true/false/yes/no); a list's items separated by ";"; a custom field as "customFields.<key>". A blank cell takes the client's default. Each row keeps its line in the file (the header is line 1).`,
  );

const fieldError = z.object({ field: z.string(), message: z.string() });
const rowView = z.object({
  line: z.number().describe("The line of the file the row starts on; the header is line 1."),
  ok: z.boolean().describe("No errors: the row can be submitted."),
  excluded: z.boolean().describe("Left out when the batch was submitted."),
  errors: z.array(fieldError).describe("By form field, as the single submission names them."),
  findings: z.array(planFinding),
  summary: z.object({ name: z.string().optional(), upn: z.string().optional() }),
  planHash: z.string().optional().describe("The row's plan hash: its run's, once it has one."),
  runId: z.string().optional(),
  status: runStatus.optional(),
});
const batchState = z.enum(["uploaded", "submitting", "submitted"]);
const batch = z
  .object({
    batchId: z.string(),
    client: z.string(),
    kind: z.enum(["onboard", "offboard"]),
    state: batchState.describe(
      "uploaded: nothing runs yet; submitting: some runs made (submit again to finish); submitted: every row not left out has its run.",
    ),
    createdAt: z.string(),
    createdBy: z.string(),
    submittedAt: z.string().optional(),
    excluded: z.array(z.number()),
    planHash: z
      .string()
      .optional()
      .describe(
        "Once submitted: the hash over every run's plan hash, which one approval of the batch names.",
      ),
    rows: z.array(rowView),
    counts: z.object({
      rows: z.number(),
      ok: z.number(),
      withErrors: z.number(),
      excluded: z.number(),
      runs: z.number(),
      byStatus: z.partialRecord(z.enum(runStatuses), z.number()).describe("The runs, by status."),
    }),
  })
  .describe("The batch: each row's verdict and, once submitted, its run and the run's status.");
const batchList = z
  .array(
    z.object({
      batchId: z.string(),
      client: z.string(),
      kind: z.enum(["onboard", "offboard"]),
      state: batchState,
      createdAt: z.string(),
      createdBy: z.string(),
      rows: z.number(),
      runs: z.number(),
    }),
  )
  .describe("Batches, newest first.");

const submitBody = z
  .strictObject({
    exclude: z
      .array(z.number().int().min(2).max(1_000_000))
      .max(bulkLimits.maxRows)
      .optional()
      .describe("Lines to leave out (a row with errors must be fixed by a new upload, or left out)."),
  })
  .nullish();
const approveBody = z.strictObject({
  planHash: z
    .string()
    .trim()
    .min(1)
    .max(128)
    .describe(
      "The batch's plan hash as reviewed (GET /api/bulk/{batchId}): refused (409) when a plan has changed since.",
    ),
  note: z.string().trim().max(2000).optional(),
});
const rejectBody = z
  .strictObject({
    note: z.string().trim().max(2000).optional().describe("Why, for each run's approval record."),
  })
  .nullish();

/** A batch's client; an unknown batch is nobody's, and its route answers 404 as for anyone. */
const clientOfBatch =
  (store: Store): ClientOf =>
  async (request) => {
    const { batchId } = request.params as { batchId?: unknown };
    return typeof batchId === "string" ? batchClient(store, batchId) : undefined;
  };

export interface BulkDeps extends BulkOptions {
  store: Store;
}

/**
 * Bulk onboarding and offboarding from a CSV file: uploaded and judged row by row (nothing runs), then
 * submitted (a run per row), then, where the client's policy asks for it, approved once for the batch.
 */
export const bulkRoutes: RoutePlugin<BulkDeps> = async (app, { store, ...opts }) => {
  app.addContentTypeParser(
    "text/csv",
    { parseAs: "string", bodyLimit: bulkLimits.maxBytes },
    (_r, body, done) => done(null, body),
  );

  for (const kind of ["onboard", "offboard"] as const) {
    app.post(
      `/bulk/${kind}`,
      {
        config: { access: { permission: "submit", client: clientFromQuery() } },
        bodyLimit: bulkLimits.maxBytes,
        // Said before the body is read, when the sender says how long it is.
        preParsing: async (request) => {
          const length = Number(request.headers["content-length"]);
          if (length > bulkLimits.maxBytes)
            throw new ApiError(
              "LC_ERR_PAYLOAD_TOO_LARGE",
              `the file is ${Math.ceil(length / 1024)} KiB; a bulk upload takes at most ${bulkLimits.maxBytes / 1024} KiB and ${bulkLimits.maxRows} rows: split it`,
            );
        },
        schema: {
          summary: kind === "onboard" ? "Upload a CSV of onboardings" : "Upload a CSV of offboardings",
          description:
            "Every row is validated and pre-flighted as a single submission's dry run would be, and the batch is stored with each row's verdict. Nothing runs until the batch is submitted.",
          tags: ["bulk"],
          consumes: ["text/csv"],
          querystring: uploadQuery,
          body: csvBody,
          response: {
            201: batch,
            ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND", ...bodyErrors),
          },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const made = await uploadBatch(store, kind, request.query.client, request.body, principal, opts);
        if (!made.ok) {
          const tooMany = made.errors.find((e) => e.field === tooManyRowsField);
          if (tooMany) throw new ApiError("LC_ERR_PAYLOAD_TOO_LARGE", `the file ${tooMany.message}`);
          throw new ApiError("LC_ERR_VALIDATION", "the file cannot be read as requests", {
            fields: made.errors,
          });
        }
        return reply.code(201).send(made.value);
      },
    );
  }

  app.get(
    "/bulk",
    {
      config: { access: { permission: "read", client: clientFromQuery() } },
      schema: {
        summary: "List a client's bulk batches",
        tags: ["bulk"],
        querystring: listQuery,
        response: { 200: batchList, ...errorResponses("LC_ERR_VALIDATION") },
      },
    },
    async (request) =>
      (await listBatches(store, request.query.client, request.query.limit ?? 50)).map((b) => ({
        batchId: b.id,
        client: b.clientId,
        kind: b.kind,
        state: b.state,
        createdAt: new Date(b.createdAt).toISOString(),
        createdBy: b.createdByEmail,
        rows: b.rows,
        runs: b.runs,
      })),
  );

  app.get(
    "/bulk/:batchId",
    {
      config: { access: { permission: "read", client: clientOfBatch(store) } },
      schema: {
        summary: "A bulk batch and its progress",
        tags: ["bulk"],
        params: batchParams,
        response: { 200: batch, ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND") },
      },
    },
    async (request) => batchView(store, request.params.batchId),
  );

  app.post(
    "/bulk/:batchId/submit",
    {
      config: { access: { permission: "submit", client: clientOfBatch(store) } },
      schema: {
        summary: "Submit a bulk batch: a run per row",
        description:
          "Refused (400, a field error per line and field) while a row not left out has an error. Each run is made with an Idempotency-Key of its batch and line, so submitting again (after a timeout or a crash) makes only the runs still missing and answers as the first time did.",
        tags: ["bulk"],
        params: batchParams,
        body: submitBody,
        response: {
          200: batch,
          ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND", "LC_ERR_CONFLICT", ...bodyErrors),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const exclude = request.body?.exclude ?? [];
      const submitted = await submitBatch(store, request.params.batchId, exclude, principal, opts);
      if (!submitted.ok)
        throw new ApiError("LC_ERR_VALIDATION", "the batch cannot be submitted", {
          fields: submitted.errors,
        });
      return submitted.value;
    },
  );

  // What a batch's approval and rejection answer alike: the batch, or why nothing was recorded.
  const decisionResponses = {
    200: batch,
    ...errorResponses(
      "LC_ERR_VALIDATION",
      "LC_ERR_NOT_FOUND",
      "LC_ERR_CONFLICT",
      "LC_ERR_FORBIDDEN",
      "LC_ERR_UNAUTHENTICATED",
      ...bodyErrors,
    ),
  };

  app.post(
    "/bulk/:batchId/approve",
    {
      config: { access: { permission: "approve", client: clientOfBatch(store) } },
      schema: {
        summary: "Approve every run of a bulk batch that waits for approval, at once",
        description:
          "The signed-in approver approves the batch's plan hash; each run's approval is recorded under that run's own rules (the client's policy names who may approve it; its requester, and the batch's uploader and submitter, never may). A run the approver may not approve refuses the whole batch, naming its line.",
        tags: ["bulk"],
        params: batchParams,
        body: approveBody,
        response: decisionResponses,
      },
    },
    async (request) => approveBatch(store, request.params.batchId, request.body, principalOf(request)),
  );

  app.post(
    "/bulk/:batchId/reject",
    {
      config: { access: { permission: "approve", client: clientOfBatch(store) } },
      schema: {
        summary: "Reject every run of a bulk batch that still waits for approval, at once",
        description:
          "Each run's rejection is recorded under that run's own rules (who the client's policy lets answer its approval), all or none: a run the caller may not answer refuses the whole batch, naming its line. Runs already past their approval are left running (cancel those one by one). The batch's uploader may reject it.",
        tags: ["bulk"],
        params: batchParams,
        body: rejectBody,
        response: decisionResponses,
      },
    },
    async (request) =>
      rejectBatch(store, request.params.batchId, { note: request.body?.note }, principalOf(request)),
  );
};
