import { z } from "zod";
import { advanceCheckpoint, keptCheckpoint } from "../../store/audit/anchor.ts";
import { auditCheckpoint, takeCheckpoint } from "../../store/audit/checkpoint.ts";
import { auditRowsBefore } from "../../store/audit/rows.ts";
import { verifyAudit, type CheckpointToCheck } from "../../store/audit/verify.ts";
import type { Store } from "../../store/sql.ts";
import { bodyErrors, errorResponses } from "../errors.ts";
import type { RoutePlugin } from "./plugin.ts";

const head = z.object({ id: z.number(), hash: z.string() });

export const auditReport = z
  .object({
    ok: z.boolean(),
    entries: z.number().describe("Rows in the table."),
    head: head.nullable().describe("The last row; null for an empty table."),
    checkpoints: z
      .array(z.object({ source: z.string(), id: z.number(), hash: z.string(), at: z.string() }))
      .describe("The checkpoints the table was checked against: the server's own, and one sent."),
    problems: z
      .array(
        z.object({
          kind: z.enum([
            "edited",
            "unlinked",
            "unknown-key",
            "unkeyed",
            "truncated",
            "rewritten",
            "checkpoint-invalid",
          ]),
          id: z.number().describe("The row it is about (for a checkpoint, the row it names)."),
          message: z.string(),
        }),
      )
      .describe("Every problem found, in row order, then the checkpoints'."),
  })
  .describe("The audit chain re-computed from the first row to the last.");

const auditEntry = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  subject: z.string(),
  detail: z.record(z.string(), z.unknown()).nullable(),
  prevHash: z.string(),
  hash: z.string(),
  keyId: z.string().nullable().describe("The master key the row is keyed from; null before keying."),
});

const listQuery = z.strictObject({
  before: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe("Only entries with a smaller id (the next page)."),
  limit: z.coerce.number().int().min(1).max(500).optional().describe("At most this many (default 100)."),
});

const verifyBody = z.strictObject({
  checkpoint: auditCheckpoint.optional().describe("A checkpoint exported earlier, to check as well."),
});

export const auditRoutes: RoutePlugin<{ store: Store; checkpointFile?: string | undefined }> = async (
  app,
  { store, checkpointFile },
) => {
  const kept = (): CheckpointToCheck[] => (checkpointFile ? keptCheckpoint(checkpointFile) : []);

  app.get(
    "/audit",
    {
      config: { access: { permission: "administer" } },
      schema: {
        summary: "The audit log: its verification and a page of entries, newest first",
        description: "Verified against the server's own checkpoint. Admins only.",
        tags: ["audit"],
        querystring: listQuery,
        response: {
          200: z.object({
            verification: auditReport,
            entries: z.array(auditEntry),
            next: z
              .number()
              .nullable()
              .describe("Pass as `before` for the next page; null at the first entry."),
          }),
          ...errorResponses("LC_ERR_VALIDATION"),
        },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 100;
      const verification = await verifyAudit(store, kept());
      const entries = await auditRowsBefore(store, request.query.before, limit);
      const last = entries[entries.length - 1];
      return {
        verification,
        entries,
        next: entries.length === limit && last && last.id > 1 ? last.id : null,
      };
    },
  );

  app.post(
    "/audit/verify",
    {
      config: { access: { permission: "administer" } },
      schema: {
        summary: "Verify the audit log, against the server's checkpoint and one exported earlier",
        description: "Admins only.",
        tags: ["audit"],
        body: verifyBody,
        response: { 200: auditReport, ...errorResponses("LC_ERR_VALIDATION", ...bodyErrors) },
      },
    },
    async (request) => {
      const given = request.body.checkpoint;
      return verifyAudit(store, [...kept(), ...(given ? [{ source: "sent", checkpoint: given }] : [])]);
    },
  );

  app.post(
    "/audit/checkpoint",
    {
      config: { access: { permission: "administer" } },
      schema: {
        summary: "A signed checkpoint of the audit log's head, to keep outside the database",
        description: "The server's own checkpoint moves on to it too. Admins only.",
        tags: ["audit"],
        body: z.strictObject({}).describe("Nothing: the checkpoint is of the head as it stands."),
        response: { 200: auditCheckpoint, ...errorResponses("LC_ERR_VALIDATION", ...bodyErrors) },
      },
    },
    async () => {
      const checkpoint = await takeCheckpoint(store);
      if (checkpointFile) await advanceCheckpoint(store, checkpointFile, checkpoint);
      return checkpoint;
    },
  );
};
