import canonicalize from "canonicalize";

/**
 * A string as it can be stored and read back unchanged: NFC, with lone surrogates and U+0000 as U+FFFD.
 * PostgreSQL's UTF-8 text holds neither (the drivers turn a lone surrogate into U+FFFD, and U+0000 is
 * refused), so hashing the string as given would hash something the table never holds. Replacing rather
 * than refusing keeps an audited change from failing for the sake of its own record (input validation
 * is the place to refuse them, before anything is stored).
 */
export function storableString(s: string): string {
  return replaceUnstorable(s).normalize("NFC");
}

const replaceUnstorable = (s: string) => s.replace(/\p{Cs}/gu, "\uFFFD").replaceAll("\0", "\uFFFD");

function storable(value: unknown): unknown {
  if (typeof value === "string") return storableString(value);
  if (Array.isArray(value)) return value.map(storable);
  if (value === null || typeof value !== "object") return value;
  const out = new Map<string, unknown>();
  // Keys already storable keep their place. One that would only be made equal to another (by NFC, or by
  // U+FFFD standing in for different code units) stays un-normalised, then takes more U+FFFD until it is
  // apart: two keys never become one, and what is stored is still what is hashed.
  const entries = Object.entries(value).sort(
    ([a], [b]) => Number(a !== storableString(a)) - Number(b !== storableString(b)),
  );
  for (const [k, v] of entries) {
    let key = storableString(k);
    if (out.has(key)) key = replaceUnstorable(k);
    while (out.has(key)) key += "\uFFFD";
    out.set(key, storable(v));
  }
  return Object.fromEntries(out);
}

/**
 * The detail as jsonb will give it back: JSON values only (what JSON.stringify drops or turns to null is
 * gone now, not on the way back), every string storable.
 */
export function storableDetail(detail: Record<string, unknown>): Record<string, unknown> {
  return storable(JSON.parse(JSON.stringify(detail)) as unknown) as Record<string, unknown>;
}

/** RFC 8785 (JCS): sorted keys and one spelling per number, so jsonb's reordering cannot change a hash. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error("audit entry has no JSON form");
  return text;
}
