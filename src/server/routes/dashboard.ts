import { DateTime } from "luxon";
import { z } from "zod";
import { approvalsFor } from "../../engine/approvals.ts";
import { dashboard, missedStepsListed } from "../../engine/dashboard.ts";
import { listScheduled } from "../../engine/schedule.ts";
import { getClient, listClients } from "../../store/clients-repo.ts";
import type { Store } from "../../store/sql.ts";
import { ApiError, errorResponses } from "../errors.ts";
import { runStatus } from "../schemas.ts";
import { clientFromQuery, listScope, principalOf } from "../principal.ts";
import type { RoutePlugin } from "./plugin.ts";

const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'must be a month as YYYY-MM, e.g. "2026-12"' })
  .refine((m) => Number(m.slice(0, 4)) >= 2000 && Number(m.slice(0, 4)) <= 2100, {
    error: "must be a month between 2000 and 2100",
  });

const dashboardQuery = z.strictObject({
  client: z.string().min(1).max(100).optional().describe("Only this client; absent, every client yours."),
  month: month
    .optional()
    .describe(
      "The month the impact figures are of, in the client's time zone (UTC across clients); default this one.",
    ),
});

const runRef = {
  runId: z.string(),
  clientId: z.string(),
  kind: z.enum(["onboard", "offboard"]),
  subject: z.string(),
};
const step = { key: z.string(), title: z.string(), type: z.string() };

const dashboardReply = z
  .object({
    month: z.string().describe("YYYY-MM."),
    timeZone: z.string().describe("The zone the month and its days are read in."),
    counts: z
      .object({
        inFlight: z.int().describe("Runs whose steps are running now."),
        awaitingApproval: z.int(),
        scheduled: z.int().describe("Runs whose start lies ahead."),
        waiting: z.int().describe("Runs held by a condition: listed in `waiting`."),
        failed: z.int().describe("Runs that ended failed within the month."),
      })
      .describe("Runs by where they stand now (failed: of the month)."),
    waiting: z
      .array(
        z.object({
          ...runRef,
          ...step,
          reason: z
            .string()
            .describe('What the step waits on, e.g. "a free SPB seat", "tech@msp to set up the desk phone".'),
          needs: z
            .enum(["person"])
            .nullable()
            .describe('"person": only someone acting ends the wait (a seat to buy, a task).'),
          until: z.date().nullable().describe("When the step is looked at next."),
          since: z.date().nullable(),
        }),
      )
      .describe("Each step a waiting run waits on."),
    impact: z
      .object({
        onboardings: z.int().describe("Onboardings completed in the month."),
        offboardings: z.int().describe("Offboardings completed in the month."),
        stepsAutomated: z.int().describe("Steps (not approvals or tasks) that succeeded in the month."),
        minutesSaved: z
          .number()
          .describe(
            "Minutes those steps would have taken by hand: the client's `impact` setting, 5 a step by default.",
          ),
        missedSteps: z.int().describe("Steps that failed or were skipped in the month."),
      })
      .describe("What the month's runs did."),
    missedSteps: z
      .array(
        z.object({
          ...runRef,
          ...step,
          state: z.enum(["failed", "skipped"]),
          reason: z.string(),
          code: z.string().nullable().describe("The failure's catalogued code."),
          at: z.date(),
        }),
      )
      .describe(`The month's failed or skipped steps, newest first (at most ${missedStepsListed}).`),
    daily: z
      .array(
        z.object({
          date: z.string().describe("YYYY-MM-DD in the zone."),
          runsStarted: z.int().describe("Runs whose first step began that day."),
          stepsAutomated: z.int(),
        }),
      )
      .describe("Every day of the month, for a chart."),
  })
  .describe("The console's front page.");

const scheduleQuery = z.strictObject({
  client: z.string().min(1).max(100).optional().describe("Only this client's runs."),
});

const scheduleReply = z
  .array(
    z.object({
      ...runRef,
      status: runStatus,
      subject: z.string().describe("The account the run is about: the new user's UPN, the leaver."),
      name: z
        .string()
        .nullable()
        .describe("The person's name as requested; null when only the account was named."),
      startAt: z.date().describe("The start, in UTC."),
      startLocal: z.string().describe('The start on the client\'s wall clock, "2026-12-03T09:00".'),
      timeZone: z.string().describe("The client's IANA time zone."),
      utcOffset: z.string().describe('The zone\'s offset at the start, "+01:00".'),
      requester: z.string(),
      createdAt: z.date(),
    }),
  )
  .describe("Runs whose start lies ahead and none of whose steps has begun, soonest first.");

const approvalsReply = z
  .array(
    z.object({
      ...runRef,
      requester: z.string().describe("Who asked for the run (never its approver)."),
      ticket: z.string().nullable(),
      who: z.string().describe("Who the client's policy asks to approve, in words."),
      since: z.date().describe("When the approval was asked for."),
      expiresAt: z.date().nullable(),
      startAt: z.date(),
      planHash: z.string().describe("The hash to approve (POST /runs/{id}/approve)."),
      plan: z.object({
        workflow: z.string().nullable().describe("id@version of the workflow the plan was made from."),
        steps: z.array(z.object(step)).describe("The plan's steps in order."),
      }),
    }),
  )
  .describe("Open approvals you may decide, oldest first.");

/** The month a dashboard is of: the one asked for, else the current one in the zone. */
const monthIn = (zone: string, asked: string | undefined) =>
  asked ?? DateTime.now().setZone(zone).toFormat("yyyy-MM");

export const dashboardRoutes: RoutePlugin<{ store: Store }> = async (app, { store }) => {
  app.get(
    "/dashboard",
    {
      config: { access: { permission: "read", client: clientFromQuery() } },
      schema: {
        summary: "Runs by state, what waits on what, and the month's impact",
        description:
          "Scoped: an account limited to some clients sees only theirs. Time saved counts each succeeded step at the client's `impact.perAction[type]` or `impact.minutesPerStep` minutes (5 when unset).",
        tags: ["dashboard"],
        querystring: dashboardQuery,
        response: { 200: dashboardReply, ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND") },
      },
    },
    async (request) => {
      const { client, month: asked } = request.query;
      const scope = listScope(request);
      const configs = client ? [await getClient(store, client)] : await listClients(store);
      if (client && !configs[0]) throw new ApiError("LC_ERR_NOT_FOUND", `no client "${client}"`);
      const impact = new Map(configs.flatMap((c) => (c ? [[c.id, c.impact] as const] : [])));
      const timeZone = client ? (configs[0]?.timeZone ?? "UTC") : "UTC";
      return dashboard(store, {
        clientId: client,
        clientIds: scope,
        month: monthIn(timeZone, asked),
        timeZone,
        impact: (id) => impact.get(id),
      });
    },
  );

  app.get(
    "/schedules",
    {
      config: { access: { permission: "read", client: clientFromQuery() } },
      schema: {
        summary: "Upcoming scheduled runs",
        description:
          "Each start in UTC and on the client's wall clock, the zone named. Move one with POST /runs/{id}/reschedule.",
        tags: ["runs"],
        querystring: scheduleQuery,
        response: { 200: scheduleReply, ...errorResponses("LC_ERR_VALIDATION") },
      },
    },
    async (request) => {
      const runs = await listScheduled(store, {
        clientId: request.query.client,
        clientIds: listScope(request),
      });
      const zones = new Map((await listClients(store)).map((c) => [c.id, c.timeZone]));
      return runs.map((r) => {
        const timeZone = zones.get(r.clientId) ?? "UTC";
        const local = DateTime.fromJSDate(r.startAt).setZone(timeZone);
        return {
          ...r,
          startLocal: local.toFormat(local.second === 0 ? "yyyy-MM-dd'T'HH:mm" : "yyyy-MM-dd'T'HH:mm:ss"),
          timeZone,
          utcOffset: local.toFormat("ZZ"),
        };
      });
    },
  );

  app.get(
    "/approvals",
    {
      config: { access: { permission: "approve" } },
      schema: {
        summary: "Approvals you may decide",
        description:
          "Runs awaiting approval whose client's policy lets the signed-in principal approve them, by the rules an approval is checked with: never a run they requested, only clients that are theirs.",
        tags: ["runs"],
        response: { 200: approvalsReply, ...errorResponses() },
      },
    },
    async (request) => approvalsFor(store, principalOf(request), { clientIds: listScope(request) }),
  );
};
