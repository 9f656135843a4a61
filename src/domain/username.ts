import type { ClientConfig } from "./client.ts";
import { fail, ok, type FieldError, type Result } from "./result.ts";
import { toUsernamePart } from "./transliterate.ts";
import { collisionNote, nameNotes } from "./username-rule.ts";
import { parseUsernamePattern, type PatternSegment, type UsernameToken } from "./username-pattern.ts";

export type Person = { firstName: string; lastName: string; middleName?: string | undefined };
export type UsernameFormat = ClientConfig["usernameFormat"];
export type Transliteration = ClientConfig["transliteration"];
/** The value each pattern token renders to: lowercase ASCII letters and digits, possibly "". */
export type UsernameParts = Record<UsernameToken, string>;

// Entra allows 64 characters before the "@" of a UPN; sAMAccountName's 20 is the AD connector's concern.
export const MAX_USERNAME_LENGTH = 64;
export const MAX_NUMERIC_SUFFIX = 99;

const USERNAME_RE = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

/** Letters, digits and . _ - ; starting and ending with a letter or digit; no "..". */
export function isValidUsername(s: string): boolean {
  return USERNAME_RE.test(s) && !s.includes("..");
}

export function usernameParts(person: Person, translit: Transliteration): UsernameParts {
  const part = (name: string | undefined) => toUsernamePart(name ?? "", translit);
  const first = part(person.firstName);
  const last = part(person.lastName);
  const middle = part(person.middleName);
  return { first, last, middle, f: first.slice(0, 1), l: last.slice(0, 1), m: middle.slice(0, 1) };
}

function segmentsOf(pattern: string): PatternSegment[] {
  const parsed = parseUsernamePattern(pattern);
  // Client configs are validated on load, so a bad pattern here is a programming error, not bad input.
  if (!parsed.ok) throw new Error(`username pattern "${pattern}" ${parsed.message}`);
  return parsed.segments;
}

/**
 * Joins the segments, leaving out empty tokens together with the separator that would have followed
 * them, so "{first}.{m}.{last}" without a middle name gives "jane.doe", not "jane..doe".
 */
function join(segments: readonly PatternSegment[], parts: UsernameParts): string {
  let out = "";
  let pending = "";
  let skipping = false;
  for (const seg of segments) {
    if (seg.kind === "sep") {
      if (!skipping) pending += seg.sep;
    } else if (parts[seg.token] === "") {
      skipping = pending !== "" || out === "";
    } else {
      if (out !== "") out += pending;
      out += parts[seg.token];
      pending = "";
      skipping = false;
    }
  }
  return out;
}

// The last name gives way first: "jane.vandersteenhoven-bakker" is still recognisably Jane's when cut,
// and the suffix must survive whole or two people would end up with the same name.
const shrinkOrder = ["last", "first", "middle"] as const;

function renderSegments(segments: readonly PatternSegment[], parts: UsernameParts, suffix: string): string {
  const budget = MAX_USERNAME_LENGTH - suffix.length;
  let current = parts;
  let s = join(segments, current);
  for (const key of shrinkOrder) {
    while (s.length > budget && current[key].length > 1) {
      const excess = s.length - budget;
      current = { ...current, [key]: current[key].slice(0, Math.max(1, current[key].length - excess)) };
      const next = join(segments, current);
      if (next.length === s.length) break;
      s = next;
    }
  }
  if (s.length > budget) s = s.slice(0, budget).replace(/[._-]+$/, "");
  return s + suffix;
}

/** Renders a pattern such as "{first}.{last}"; `suffix` (a collision number) is never truncated. */
export function renderUsername(pattern: string, parts: UsernameParts, suffix = ""): string {
  return renderSegments(segmentsOf(pattern), parts, suffix);
}

/**
 * The pattern with the middle initial after the first-name token, reusing the separator that follows it:
 * "{first}.{last}" → "{first}.{m}.{last}", "{f}{last}" → "{f}{m}{last}". Undefined when the pattern
 * already uses the middle name or has no first-name token to place it after.
 */
function withMiddleInitial(segments: readonly PatternSegment[]): PatternSegment[] | undefined {
  if (segments.some((s) => s.kind === "token" && (s.token === "m" || s.token === "middle"))) return undefined;
  const at = segments.findIndex((s) => s.kind === "token" && (s.token === "first" || s.token === "f"));
  if (at < 0) return undefined;
  const next = segments[at + 1];
  const initial: PatternSegment = { kind: "token", token: "m" };
  const inserted: PatternSegment[] = next?.kind === "sep" ? [next, initial] : [initial];
  return [...segments.slice(0, at + 1), ...inserted, ...segments.slice(at + 1)];
}

const partOwner: Partial<Record<UsernameToken, "firstName" | "lastName">> = {
  first: "firstName",
  f: "firstName",
  last: "lastName",
  l: "lastName",
};

/**
 * Why no username can be made from this person's name with this pattern (a name with no latin letters,
 * say), naming the field to fix; undefined when the pattern can be rendered.
 */
export function usernameProblem(
  person: Person,
  format: UsernameFormat,
  translit: Transliteration,
): FieldError | undefined {
  const parts = usernameParts(person, translit);
  for (const seg of segmentsOf(format.pattern)) {
    const owner = seg.kind === "token" ? partOwner[seg.token] : undefined;
    if (seg.kind === "token" && owner && parts[seg.token] === "") {
      return {
        field: owner,
        message:
          "has no letters a username can be made of (a–z after transliteration); give a username instead",
      };
    }
  }
  return undefined;
}

/** How a candidate came about: the pattern as is, the middle-initial form, or a numeric suffix. */
type Via =
  { kind: "pattern" } | { kind: "middle-initial"; initial: string } | { kind: "suffix"; suffix: number };
type Candidate = { username: string; via: Via; segments: readonly PatternSegment[]; cut: boolean };

function* candidates(
  person: Person,
  format: UsernameFormat,
  translit: Transliteration,
): Generator<Candidate> {
  if (usernameProblem(person, format, translit)) return;
  const segments = segmentsOf(format.pattern);
  const parts = usernameParts(person, translit);
  const seen = new Set<string>();
  // A name holding digits can make "ab1"+"2" equal a truncated "ab"+"12": skip what was already offered.
  function* fresh(segs: readonly PatternSegment[], via: Via, suffix: string): Generator<Candidate> {
    const username = renderSegments(segs, parts, suffix);
    if (seen.has(username) || !isValidUsername(username)) return;
    seen.add(username);
    yield {
      username,
      via,
      segments: segs,
      cut: join(segs, parts).length + suffix.length > MAX_USERNAME_LENGTH,
    };
  }
  yield* fresh(segments, { kind: "pattern" }, "");
  const middle =
    format.collision === "middle-initial" && parts.m !== "" ? withMiddleInitial(segments) : undefined;
  if (middle) yield* fresh(middle, { kind: "middle-initial", initial: parts.m }, "");
  for (let n = 2; n <= MAX_NUMERIC_SUFFIX; n++)
    yield* fresh(segments, { kind: "suffix", suffix: n }, String(n));
}

/**
 * Candidate usernames, best first: the pattern as is; under "middle-initial" the form with the middle
 * initial; then numeric suffixes 2…99. Yields nothing when `usernameProblem` reports a problem.
 */
export function* usernameCandidates(
  person: Person,
  format: UsernameFormat,
  translit: Transliteration,
): Generator<string> {
  for (const c of candidates(person, format, translit)) yield c.username;
}

/** A picked username and, in one line, the rule that produced it (what a dry run shows). */
export type PickedUsername = { username: string; rule: string };

function ruleOf(
  person: Person,
  format: UsernameFormat,
  translit: Transliteration,
  picked: Candidate,
  taken: readonly string[],
): string {
  const name = [person.firstName, person.middleName, person.lastName]
    .map((n) => n?.trim())
    .filter(Boolean)
    .join(" ");
  const notes = [
    ...nameNotes(person, picked.segments, translit.umlauts),
    ...(picked.cut ? [`cut to ${MAX_USERNAME_LENGTH} characters`] : []),
    ...[collisionNote(taken, picked.via)].filter((n) => n !== undefined),
  ];
  return `${format.pattern} from "${name}"${notes.length ? `: ${notes.join(", ")}` : ""}`;
}

/**
 * The first candidate `isTaken` says is free, with the rule that produced it, such as
 * `{first}.{last} from "Zoë de la Cruz": ë→e, particle "de la" joined, "zoe.delacruz" taken, so suffix 2`.
 * A failing `isTaken` (I/O) rejects; a name no username can be made of, or every candidate taken, is an
 * error naming the field to fix.
 */
export async function pickUsernameExplained(
  person: Person,
  format: UsernameFormat,
  translit: Transliteration,
  isTaken: (candidate: string) => Promise<boolean>,
): Promise<Result<PickedUsername>> {
  const problem = usernameProblem(person, format, translit);
  if (problem) return fail(problem.field, problem.message);
  const taken: string[] = [];
  for (const candidate of candidates(person, format, translit)) {
    if (await isTaken(candidate.username)) taken.push(candidate.username);
    else
      return ok({ username: candidate.username, rule: ruleOf(person, format, translit, candidate, taken) });
  }
  return fail(
    "username",
    `every candidate from "${format.pattern}" up to suffix ${MAX_NUMERIC_SUFFIX} is taken; give a username instead`,
  );
}

/**
 * The first candidate `isTaken` says is free, without its rule.
 * @deprecated Kept while the planner moves to `pickUsernameExplained`, whose rule the dry run shows.
 */
export async function pickUsername(
  person: Person,
  format: UsernameFormat,
  translit: Transliteration,
  isTaken: (candidate: string) => Promise<boolean>,
): Promise<Result<string>> {
  const picked = await pickUsernameExplained(person, format, translit, isTaken);
  return picked.ok ? ok(picked.value.username) : picked;
}
