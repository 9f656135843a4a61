import { z } from "zod";
import { buildReport, renderHtml, renderPdf, reportFormats, runReport } from "../../evidence/index.ts";
import type { Store } from "../../store/sql.ts";
import { errorResponses } from "../errors.ts";
import { runParams } from "../schemas.ts";
import { jsonSchemaOf } from "../zod.ts";
import type { RoutePlugin } from "./plugin.ts";
import { clientOfRun } from "../principal.ts";

const reportQuery = z.strictObject({
  format: z
    .enum(reportFormats)
    .optional()
    .describe("json (the default), html (a self-contained page) or pdf."),
});

const types = {
  json: "application/json; charset=utf-8",
  html: "text/html; charset=utf-8",
  pdf: "application/pdf",
} as const;

/** The run's evidence report, in the format asked for: a document, a page to read, a file to file. */
export const runReportRoutes: RoutePlugin<{ store: Store }> = async (app, { store }) => {
  app.get(
    "/runs/:id/report",
    {
      config: { access: { permission: "read", client: clientOfRun(store) } },
      schema: {
        summary: "A run's evidence report",
        description:
          "Who asked and who approved which plan, the before-state of what changed, every action with its " +
          "times, attempts and vendor request ids, the final verification and the licences recovered. " +
          "Holds no password, pass, one-time link or vendor secret.",
        tags: ["runs"],
        params: runParams,
        querystring: reportQuery,
        response: {
          200: {
            description: "The report (reportVersion 1).",
            content: {
              "application/json": { schema: jsonSchemaOf(runReport, "output") },
              "text/html": { schema: { type: "string" } },
              "application/pdf": { schema: { type: "string", format: "binary" } },
            },
          },
          ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND"),
        },
      },
    },
    async (request, reply) => {
      const format = request.query.format ?? "json";
      const report = await buildReport(store, request.params.id);
      const file = `${report.run.id}-report.${format}`;
      // A page to read in place; the PDF is a file to keep. The report names people: no cache keeps it.
      reply
        .type(types[format])
        .header("content-disposition", `${format === "pdf" ? "attachment" : "inline"}; filename="${file}"`)
        .header("cache-control", "no-store");
      if (format === "html") return reply.send(renderHtml(report));
      if (format === "pdf") return reply.send(await renderPdf(report));
      return reply.send(report);
    },
  );
};
