/**
 * Emoji and other pictographs in a person's name. A directory keeps them, but they break usernames,
 * address lists, ticket notes and the systems downstream that only take text, so a name holding one is
 * refused or (where the client's config says so) stripped; it is never kept silently.
 *
 * One emoji on screen may be several code points: a base pictograph with a variation selector (U+FE0F),
 * a skin-tone modifier, ZWJ (U+200D) joining several into one (👩‍💻), a pair of regional indicators (a
 * flag), tag characters (🏴 with the tags of England), or a digit, # or * with the enclosing keycap
 * (1️⃣). Each sequence is matched whole, so stripping leaves no stray joiner, selector or keycap digit.
 */

// The parts of an emoji sequence that are never text on their own.
// (The keycap and the selectors are alternatives, not class members: they combine with what precedes.)
const part = String.raw`(?:[\p{Extended_Pictographic}\p{Regional_Indicator}\p{Emoji_Modifier}\u{E0020}-\u{E007F}]|\u20E3|\uFE0E|\uFE0F)`;
// A digit, # or * is text unless the enclosing keycap follows it (with or without the selector).
const keycap = String.raw`[0-9#*]\uFE0F?\u20E3`;
// ZWJ joins the parts of one sequence; a ZWJ next to a pictograph belongs to it. (ZWJ between letters
// is text: some scripts, such as Malayalam and Sinhala, need it.)
const sequence = String.raw`${keycap}|\u200D*${part}+(?:\u200D+${part}+)*\u200D*`;

const sequences = () => new RegExp(sequence, "gu");

/** The pictograph sequences in `text`, each once, in the order they first appear. */
export function pictographsIn(text: string): string[] {
  return [...new Set(text.match(sequences()) ?? [])];
}

/** `text` without its pictograph sequences, runs of white space collapsed to one space, trimmed. */
export function stripPictographs(text: string): string {
  return text.replace(sequences(), "").replace(/\s+/gu, " ").trim();
}

/** The found sequences as a message shows them: each as typed, then its code points (some are invisible). */
export function describePictographs(found: readonly string[]): string {
  return found
    .map((s) => {
      const points = [...s].map(
        (c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`,
      );
      return `"${s}" ${points.join(" ")}`;
    })
    .join(", ");
}
