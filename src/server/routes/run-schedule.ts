import { IANAZone } from "luxon";
import { z } from "zod";
import { getRun } from "../../engine/read.ts";
import { rescheduleRun } from "../../engine/schedule.ts";
import { parseStartTime } from "../../requests/start-time.ts";
import { getClient } from "../../store/clients-repo.ts";
import type { Store } from "../../store/sql.ts";
import { ApiError, bodyErrors, errorResponses } from "../errors.ts";
import { clientOfRun, principalOf } from "../principal.ts";
import { runDetail, runParams } from "../schemas.ts";
import type { RoutePlugin } from "./plugin.ts";

const instant = z
  .string()
  .max(40)
  .regex(/(?:Z|[+-]\d{2}:?\d{2})$/i, {
    error:
      'must be an ISO date and time with its offset, "2026-12-03T09:00:00+01:00" or "…Z"; for a wall-clock time send { local, timeZone }',
  });
const wallClock = z.strictObject({
  local: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$/, {
    error: 'must be a wall-clock time, "2026-12-03T09:00"',
  }),
  timeZone: z
    .string()
    .max(100)
    .refine((zone) => IANAZone.isValidZone(zone), {
      error: 'must be an IANA time zone such as "Europe/Berlin"',
    })
    .optional()
    .describe("The zone the time is read in; absent, the client's."),
});
const rescheduleBody = z.strictObject({
  startAt: z
    .union([instant, wallClock], { error: "must be an ISO instant with an offset, or { local, timeZone? }" })
    .describe(
      "The new start: an instant with its offset, or a wall-clock time in a zone (the client's by default).",
    ),
  reason: z.string().trim().min(1).max(1000).optional(),
});

export const runScheduleRoutes: RoutePlugin<{ store: Store; now: () => Date }> = async (
  app,
  { store, now },
) => {
  app.post(
    "/runs/:id/reschedule",
    {
      config: { access: { permission: "operate", client: clientOfRun(store) } },
      schema: {
        summary: "Move the start of a run that has not started",
        description:
          "The plan's copies of the start (the hire date, the ticket's text) move with it, so the plan's hash changes: an approval already given is asked for again. Refused with LC_ERR_RUN_STARTED once a step has run or the start has come.",
        tags: ["runs"],
        params: runParams,
        body: rescheduleBody,
        response: {
          200: runDetail.describe("The run as it now stands."),
          ...errorResponses(
            "LC_ERR_VALIDATION",
            "LC_ERR_NOT_FOUND",
            "LC_ERR_CONFLICT",
            "LC_ERR_RUN_STARTED",
            ...bodyErrors,
          ),
        },
      },
    },
    async (request) => {
      const run = await getRun(store, request.params.id);
      const client = await getClient(store, run.clientId);
      if (!client) throw new ApiError("LC_ERR_NOT_FOUND", `no client "${run.clientId}"`);
      const { startAt } = request.body;
      const field = typeof startAt === "string" ? "startAt" : "startAt.local";
      const asked =
        typeof startAt === "string"
          ? parseStartTime(startAt, client.timeZone, now())
          : parseStartTime(startAt.local, startAt.timeZone ?? client.timeZone, now());
      // Read again in the client's zone, so the request and the plan say the start as the client's forms do.
      const parsed = asked.ok ? parseStartTime(asked.value.startAt, client.timeZone, now()) : asked;
      if (!parsed.ok)
        throw new ApiError("LC_ERR_VALIDATION", "the request is not valid", {
          fields: [{ field, message: parsed.message }],
        });
      await rescheduleRun(
        store,
        run.id,
        {
          startAt: new Date(parsed.value.startAt),
          startLocal: parsed.value.startLocal,
          timeZone: client.timeZone,
        },
        {
          actor: principalOf(request).email,
          reason: request.body.reason,
          approvalTtlHours: client.approval.expiresAfterHours,
        },
      );
      return getRun(store, run.id);
    },
  );
};
