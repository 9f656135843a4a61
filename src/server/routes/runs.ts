import { z } from "zod";
import { getRun, listRuns } from "../../engine/read.ts";
import type { Store } from "../../store/sql.ts";
import { errorResponses } from "../errors.ts";
import { runDetail, runEvent, runParams, runRow, runStatus } from "../schemas.ts";
import type { RoutePlugin } from "./plugin.ts";
import { clientFromQuery, clientOfRun, listScope } from "../principal.ts";

const listQuery = z.strictObject({
  client: z.string().min(1).max(100).optional().describe("Only this client's runs."),
  status: runStatus.optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .optional()
    .describe("At most this many, newest first (default 50)."),
});

const eventsQuery = z.strictObject({
  after: z.coerce.number().int().min(0).optional().describe("Only events with a greater id."),
});

const runList = z.array(runRow).describe("Runs, newest first.");
const eventList = z.array(runEvent).describe("The run's events in order.");

export const runRoutes: RoutePlugin<{ store: Store }> = async (app, { store }) => {
  app.get(
    "/runs",
    {
      config: { access: { permission: "read", client: clientFromQuery() } },
      schema: {
        summary: "List runs",
        tags: ["runs"],
        querystring: listQuery,
        response: { 200: runList, ...errorResponses("LC_ERR_VALIDATION") },
      },
    },
    async (request) =>
      listRuns(store, {
        clientId: request.query.client,
        clientIds: listScope(request),
        status: request.query.status,
        limit: request.query.limit,
      }),
  );

  app.get(
    "/runs/:id",
    {
      config: { access: { permission: "read", client: clientOfRun(store) } },
      schema: {
        summary: "A run with its steps and events",
        tags: ["runs"],
        params: runParams,
        response: { 200: runDetail, ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND") },
      },
    },
    async (request) => getRun(store, request.params.id),
  );

  app.get(
    "/runs/:id/events",
    {
      config: { access: { permission: "read", client: clientOfRun(store) } },
      schema: {
        summary: "A run's events",
        description: "For a live feed use /runs/{id}/stream.",
        tags: ["runs"],
        params: runParams,
        querystring: eventsQuery,
        response: { 200: eventList, ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND") },
      },
    },
    async (request) => {
      // getRun answers "no such run" (404) where a bare events query would answer an empty list.
      const { events } = await getRun(store, request.params.id);
      const after = request.query.after ?? 0;
      return events.filter((e) => e.id > after);
    },
  );
};
