import { DateTime } from "luxon";
import { z } from "zod";

/** When a request takes effect: the exact instant, and how it reads on the client's wall clock. */
export type StartTime = {
  /** UTC ISO instant, e.g. "2025-06-02T07:00:00.000Z". */
  startAt: string;
  /** The client's local time with its zone, e.g. "2025-06-02T09:00 Europe/Berlin" (seconds when not 0). */
  startLocal: string;
  /** True when the requester asked for "now" rather than a time. */
  startNow: boolean;
  timeZone: string;
};

type Parsed = { ok: true; value: StartTime } | { ok: false; message: string };

// A form submitted a few seconds after the minute it names should not bounce.
export const PAST_TOLERANCE_MS = 60_000;

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
const DATE_ONLY_RE = /^\d{4}-\d{2}-\d{2}$/;

const FORMAT_HINT = 'give a date and time as YYYY-MM-DDTHH:mm in the client\'s time zone, or "now"';

/**
 * Reads "now", `{ now: true }`, a local "YYYY-MM-DDTHH:mm[:ss]" (in `zone`) or an ISO instant with an
 * offset or Z. Local times the clocks skip (DST gap) are refused; times they repeat (DST overlap) take
 * the first occurrence.
 */
export function parseStartTime(value: unknown, zone: string, now: Date): Parsed {
  if (value === undefined) return { ok: false, message: `is required: ${FORMAT_HINT}` };
  if (isNow(value)) return at(DateTime.fromJSDate(now).setZone(zone), true, zone, now);
  if (typeof value !== "string")
    return { ok: false, message: `must be ${FORMAT_HINT.replace(/^give /, "")}` };
  if (DATE_ONLY_RE.test(value))
    return { ok: false, message: `needs a time as well as a date: ${FORMAT_HINT}` };
  const local = LOCAL_RE.exec(value);
  if (local) return fromLocal(local, value, zone, now);
  if (INSTANT_RE.test(value)) {
    const instant = DateTime.fromISO(value, { setZone: true });
    if (!instant.isValid) return { ok: false, message: `"${value}" is not a real date and time` };
    return at(instant.setZone(zone), false, zone, now);
  }
  return { ok: false, message: `"${value}" is not a date and time: ${FORMAT_HINT}` };
}

function isNow(value: unknown): boolean {
  if (typeof value === "string") return value.toLowerCase() === "now";
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === "now" && (value as { now: unknown }).now === true;
}

function fromLocal(m: RegExpExecArray, typed: string, zone: string, now: Date): Parsed {
  const [year, month, day, hour, minute, second] = m.slice(1).map((s) => (s === undefined ? 0 : Number(s)));
  const wall = { year, month, day, hour, minute, second };
  const dt = DateTime.fromObject(wall, { zone });
  if (!dt.isValid) return { ok: false, message: `"${typed}" is not a real date and time` };
  // Luxon moves a time inside a DST gap forward; a start nobody typed must not be scheduled silently.
  if (dt.hour !== hour || dt.minute !== minute || dt.day !== day) {
    return {
      ok: false,
      message:
        `"${typed}" does not exist in ${zone}: the clocks skip it at the daylight-saving change; ` +
        `choose a later time, such as ${dt.toFormat("yyyy-MM-dd'T'HH:mm")}`,
    };
  }
  return at(firstOccurrence(dt), false, zone, now);
}

/** For a wall time the clocks show twice, luxon picks the second; the first is the one people expect. */
function firstOccurrence(dt: DateTime): DateTime {
  const before = dt.minus({ hours: 3 });
  if (before.offset === dt.offset) return dt;
  const earlier = dt.minus({ minutes: before.offset - dt.offset });
  const sameWall = earlier.hour === dt.hour && earlier.minute === dt.minute && earlier.day === dt.day;
  return sameWall && earlier < dt ? earlier : dt;
}

function at(dt: DateTime, startNow: boolean, zone: string, now: Date): Parsed {
  const startLocal = `${dt.toFormat(dt.second === 0 && dt.millisecond === 0 ? "yyyy-MM-dd'T'HH:mm" : "yyyy-MM-dd'T'HH:mm:ss")} ${zone}`;
  if (!startNow && dt.toMillis() < now.getTime() - PAST_TOLERANCE_MS) {
    return { ok: false, message: `is in the past (${startLocal}); to start immediately, use "now"` };
  }
  const startAt = dt.toUTC().toISO();
  if (startAt === null) return { ok: false, message: "is out of the range of dates that can be scheduled" };
  return { ok: true, value: { startAt, startLocal, startNow, timeZone: zone } };
}

/** The start (or last-day) field of a request schema, for one client's zone and one moment. */
export function startTimeField(zone: string, now: Date) {
  return z.unknown().transform((value, ctx): StartTime => {
    const parsed = parseStartTime(value, zone, now);
    if (parsed.ok) return parsed.value;
    ctx.issues.push({ code: "custom", message: parsed.message, input: value });
    return z.NEVER;
  });
}
