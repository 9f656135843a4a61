import type { RecordedRun, RecordedStep } from "../../ports/index.ts";

/** Elapsed from the run's start as the product page writes it: "0:08", "2:34", "1:02:05". */
export function elapsed(from: Date, to: Date): string {
  const s = Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const two = (n: number) => String(n).padStart(2, "0");
  return h ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}

// A one-time link, or anything that looks like a bearer secret, never reaches a ticket, even if an
// action's words were to carry one: a ticket is read by more people than the run is.
const secretish = [/https?:\/\/\S*\/credentials\/\S+/gi, /\b(?:eyJ[\w-]{10,}\.[\w-]+\.[\w-]+)\b/g];
export function scrubbed(text: string): string {
  return secretish.reduce((t, re) => t.replace(re, "[withheld]"), text);
}

const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The steps a person reads in the log: not the approval gate's bookkeeping nor the ticket's own steps. */
const reported = (s: RecordedStep) => !s.type.startsWith("psa.note-") && s.type !== "psa.log-run";

function line(run: RecordedRun, s: RecordedStep): string {
  const at = s.finishedAt ?? s.startedAt;
  const when = at ? elapsed(run.startAt, at) : "-";
  switch (s.state) {
    case "succeeded":
      return `${when} ${sentence(s.detail ?? s.title)}${s.requestId ? ` (request ${s.requestId})` : ""}`;
    case "already-done":
      return `${when} ${sentence(s.title)}: already so${s.detail ? ` (${s.detail})` : ""}`;
    case "skipped":
      return `${when} Skipped ${s.title}: ${s.detail ?? "no reason given"}`;
    case "failed":
      return `${when} FAILED ${s.title}: ${s.code ? `${s.code} ` : ""}${s.detail ?? ""}${s.requestId ? ` (request ${s.requestId})` : ""}`;
    case "blocked":
      return `${when} Not run: ${s.title} (${s.detail ?? "a step before it failed"})`;
    default:
      return `${when} ${sentence(s.title)}: ${s.state}`;
  }
}

/** The plan as the ticket's first note: each step in order with what it will change. */
export function planNote(run: RecordedRun, links: { run?: string }): string {
  const steps = run.steps.filter(reported);
  return scrubbed(
    [
      `Lifecycle ${run.kind === "onboard" ? "onboarding" : "offboarding"} of ${run.subject}, requested by ${run.requester}.`,
      `Plan ${run.planHash.slice(0, 12)}${run.workflow ? ` (workflow ${run.workflow})` : ""}, ${steps.length} steps:`,
      ...steps.map((s, i) => `${i + 1}. ${s.title}${s.required ? "" : " (optional)"}`),
      ...(links.run ? [`Run: ${links.run}`] : []),
    ].join("\n"),
  );
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The final re-read's result from what it recorded, step by step: what still gives access or could not be
 * looked at, each under the step that was to take it away. A step that recorded no checks (it failed
 * before it could look, or ran before checks were recorded) is told in its own words.
 */
function verificationLines(run: RecordedRun, v: RecordedStep): string[] {
  const passed = v.state === "succeeded";
  if (!v.checks) return [`Verification: ${passed ? "no access remains" : (v.detail ?? v.state)}`];
  const whats = [...new Set(v.checks.map((c) => c.what))].join(", ");
  const looked = `${plural(v.checks.length, "check")}${whats ? ` (${whats})` : ""}`;
  if (passed) return [`Verification: no access remains; ${looked} re-read, all clean.`];
  const titleOf = (key: string) => run.steps.find((s) => s.key === key)?.title ?? key;
  const open = v.checks.filter((c) => c.result !== "clean");
  if (!open.length) return [`Verification: ${v.detail ?? v.state}`];
  const found = open.filter((c) => c.result === "found").length;
  const unchecked = open.length - found;
  const counts = [
    found ? `${found} found access remaining` : "",
    unchecked ? `${unchecked} could not be checked` : "",
  ].filter(Boolean);
  return [
    `Verification ${v.state === "failed" ? "FAILED" : v.state}: of ${looked}, ${counts.join(" and ")}:`,
    ...open.flatMap((c) =>
      c.result === "found"
        ? c.findings.map((f) => `- ${sentence(titleOf(c.step))}: ${f.found}`)
        : c.result === "not-checked"
          ? [`- ${sentence(titleOf(c.step))}: ${c.what} not checked (${c.why})`]
          : [],
    ),
  ];
}

/** The run's full log for its final note: one line per step, elapsed from the start, and the verdict. */
export function finalLog(run: RecordedRun, links: { run?: string; report?: string }, now: Date): string {
  // In the order things happened; steps that never ran (blocked, skipped before starting) last.
  const at = (s: RecordedStep) => (s.finishedAt ?? s.startedAt)?.getTime() ?? Number.POSITIVE_INFINITY;
  const steps = run.steps.filter(reported).sort((a, b) => at(a) - at(b));
  const failed = steps.filter((s) => s.required && (s.state === "failed" || s.state === "blocked"));
  const warnings = steps.filter((s) => !s.required && s.state === "failed");
  const verification = steps.find((s) => s.type === "verify.no-access-remains");
  const verdict = failed.length
    ? `Result: FAILED at ${failed.map((s) => s.key).join(", ")}.`
    : warnings.length
      ? `Result: completed with warnings (${warnings.map((s) => s.key).join(", ")}).`
      : "Result: completed.";
  return scrubbed(
    [
      `Lifecycle log of the ${run.kind === "onboard" ? "onboarding" : "offboarding"} of ${run.subject} (run ${run.runId}):`,
      ...steps.map((s) => line(run, s)),
      ...(verification ? verificationLines(run, verification) : []),
      `${elapsed(run.startAt, now)} ${verdict}`,
      ...(links.report ? [`Report: ${links.report}`] : []),
    ].join("\n"),
  );
}

/** The phase the ticket is set to once the run's log is on it. */
export function finalPhase(run: RecordedRun): "completed" | "failed" {
  return run.steps.some((s) => reported(s) && s.required && (s.state === "failed" || s.state === "blocked"))
    ? "failed"
    : "completed";
}
