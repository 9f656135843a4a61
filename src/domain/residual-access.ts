import { z } from "zod";

/**
 * What an offboarding's final re-read saw for one planned step: the step's own residual-access check,
 * and whether it came back clean, found something still in place, or could not look (the client has no
 * connector for the port the check needs: unproven, so never counted as clean).
 *
 * The verification step records these as its outcome's `data.checks`, whether it succeeded or failed;
 * the evidence report and the ticket's final note read them from there rather than from its words.
 */
export const residualCheck = z.discriminatedUnion("result", [
  z.object({
    step: z.string(),
    type: z.string(),
    what: z.string(),
    result: z.literal("clean"),
  }),
  z.object({
    step: z.string(),
    type: z.string(),
    what: z.string(),
    result: z.literal("found"),
    findings: z.array(
      z.object({
        found: z.string(),
        /** Waiting will not change it, so the verification failed at once instead of polling. */
        settled: z.boolean(),
      }),
    ),
  }),
  z.object({
    step: z.string(),
    type: z.string(),
    what: z.string(),
    result: z.literal("not-checked"),
    /** The port the check needs and the client lacks. */
    port: z.string(),
    why: z.string(),
  }),
]);

export type ResidualCheck = z.output<typeof residualCheck>;
export type ResidualResult = ResidualCheck["result"];

const recorded = z.object({ checks: z.array(residualCheck) });

/**
 * The checks a verification step's outcome data holds; undefined for data without them (a run verified
 * before the checks were recorded, or a step that failed before it could look).
 */
export function residualChecksIn(data: unknown): ResidualCheck[] | undefined {
  const parsed = recorded.safeParse(data);
  return parsed.success ? parsed.data.checks : undefined;
}

/** A check's findings in words, one per thing: what the failure message and the ticket say. */
export function residualWords(c: ResidualCheck): string[] {
  if (c.result === "found") return c.findings.map((f) => f.found);
  if (c.result === "not-checked") return [`${c.what} not checked (${c.why})`];
  return [];
}
