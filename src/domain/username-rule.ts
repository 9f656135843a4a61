import { toUsernamePart, type UmlautMode } from "./transliterate.ts";
import type { PatternSegment, UsernameToken } from "./username-pattern.ts";

/**
 * The wording of the username rules: what a dry run says produced a username, and the rules as the README
 * and `lifecycle onboard --help` state them. Only what username.ts and transliterate.ts actually do.
 */

type Names = { firstName: string; lastName: string; middleName?: string | undefined };

/** The rules, one sentence each, in the order they apply. */
export const usernameRules: readonly string[] = [
  'The client\'s pattern (default "{first}.{last}") builds the name from {first} {last} {middle} and the initials {f} {l} {m}, joined by . _ or -; a missing middle name takes its separator with it.',
  'Letters are transliterated to a-z: accents dropped (Zoë → zoe), German ä ö ü spelled ae oe ue (a o u where the client\'s transliteration.umlauts is "strip"), ß ø æ ł … spelled ss o ae l; everything is lowercased.',
  'Particles such as "de la" or "van der" are kept and joined to the surname (de la Cruz → delacruz); spaces, hyphens, apostrophes and other characters are dropped (O\'Brien → obrien, Smith-Jones → smithjones).',
  "A name with no letters a-z after transliteration (written only in Chinese, say) needs a username given on the form.",
  "At most 64 characters before the @: the last name is cut first, then the first name, then the middle name; a suffix is never cut.",
  'When the name is taken, the client\'s collision rule applies: "numeric-suffix" adds 2, 3 … 99 (jane.doe2); "middle-initial" first tries the middle initial (john.q.doe), then the suffixes. When every candidate is taken, give a username.',
  "A username given on the form is used as given (lowercased) and refused if it is taken.",
];

// Lowercase words that, before the last word of a surname, are particles rather than names of their own.
const particles = new Set([
  "af",
  "al",
  "av",
  "bin",
  "da",
  "das",
  "de",
  "degli",
  "dei",
  "del",
  "della",
  "der",
  "des",
  "di",
  "do",
  "dos",
  "du",
  "el",
  "ibn",
  "la",
  "le",
  "lo",
  "op",
  "st",
  "st.",
  "te",
  "ten",
  "ter",
  "van",
  "vom",
  "von",
  "y",
  "zu",
  "zum",
  "zur",
]);

const hyphens = /^[-\u2010\u2011\u2012\u2013]$/u;
const apostrophes = /^['\u2018\u2019\u02BC`´]$/u;

const owner: Record<UsernameToken, keyof Names> = {
  first: "firstName",
  f: "firstName",
  last: "lastName",
  l: "lastName",
  middle: "middleName",
  m: "middleName",
};
const isInitial = (t: UsernameToken) => t === "f" || t === "l" || t === "m";

const graphemes = (s: string) =>
  [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(s.normalize("NFC"))].map(
    (g) => g.segment,
  );

/** The runs of particles in a surname ("de la" in "de la Cruz"), never its last word. */
function particleRuns(surname: string): string[] {
  const words = surname.trim().split(/\s+/u);
  const runs: string[] = [];
  let run: string[] = [];
  words.forEach((word, i) => {
    if (i < words.length - 1 && particles.has(word.toLowerCase())) run.push(word);
    else {
      if (run.length) runs.push(run.join(" "));
      run = [];
    }
  });
  return runs;
}

/**
 * What happened to the name on its way into the username, as short notes in order: letters transliterated
 * ("ë→e"), particles joined, spaces / hyphens / apostrophes and other characters dropped. Only the parts
 * the pattern uses count: "{f}{last}" says nothing about the first name's accents past its initial.
 */
export function nameNotes(person: Names, segments: readonly PatternSegment[], umlauts: UmlautMode): string[] {
  const translit = { umlauts };
  // Each name the pattern uses, and whether whole (true) or only by its initial.
  const used = new Map<keyof Names, boolean>();
  for (const seg of segments)
    if (seg.kind === "token") {
      const key = owner[seg.token];
      used.set(key, used.get(key) === true || !isInitial(seg.token));
    }
  const mapped = new Map<string, string>();
  const dropped = new Set<string>();
  const joined: string[] = [];
  let spaces = false;
  let hyphen = false;
  let apostrophe = false;
  const note = (g: string, out: string) => {
    if (!/^[a-z0-9]$/i.test(g) && out !== "" && !mapped.has(g)) mapped.set(g, out);
  };
  for (const [key, whole] of used) {
    const name = (person[key] ?? "").trim();
    if (!whole) {
      // An initial is the first character that gives a letter or digit; only it can have been changed.
      for (const g of graphemes(name)) {
        const out = toUsernamePart(g, translit);
        if (out === "") continue;
        note(g, out.slice(0, 1));
        break;
      }
      continue;
    }
    const runs = key === "lastName" ? particleRuns(name) : [];
    joined.push(...runs);
    const gaps = name.split(/\s+/u).length - 1;
    const particleGaps = runs.reduce((n, run) => n + run.split(" ").length, 0);
    if (gaps > particleGaps) spaces = true;
    for (const g of graphemes(name)) {
      const out = toUsernamePart(g, translit);
      if (/^\s+$/u.test(g)) continue;
      else if (hyphens.test(g)) hyphen = true;
      else if (apostrophes.test(g)) apostrophe = true;
      else if (out === "") dropped.add(g);
      else note(g, out);
    }
  }
  const notes = [...mapped].map(([from, to]) => `${from}→${to}`);
  for (const run of new Set(joined)) notes.push(`particle "${run}" joined`);
  if (spaces) notes.push("spaces dropped");
  if (hyphen) notes.push("hyphen dropped");
  if (apostrophe) notes.push("apostrophe dropped");
  if (dropped.size) notes.push(`${[...dropped].map((c) => `"${c}"`).join(" ")} dropped`);
  return notes;
}

const quoteList = (names: readonly string[]) => {
  const shown = names.slice(0, 2).map((n) => `"${n}"`);
  const more = names.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(" and ");
};

/** Why the picked candidate is not the pattern as is: which were taken, and what was tried instead. */
export function collisionNote(
  taken: readonly string[],
  via: { kind: "pattern" } | { kind: "middle-initial"; initial: string } | { kind: "suffix"; suffix: number },
): string | undefined {
  if (via.kind === "pattern") return undefined;
  const so = via.kind === "suffix" ? `suffix ${via.suffix}` : `middle initial "${via.initial}" added`;
  return `${quoteList(taken)} taken, so ${so}`;
}
