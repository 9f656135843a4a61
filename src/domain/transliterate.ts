export type UmlautMode = "expand" | "strip";

/**
 * Letters that Unicode decomposition leaves alone (they are letters in their own right, not a base letter
 * plus a mark), spelled the way their languages spell them in ASCII.
 */
const standalone: Record<string, string> = {
  ß: "ss",
  ł: "l",
  ø: "o",
  æ: "ae",
  œ: "oe",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
  ħ: "h",
  ŀ: "l",
  ĸ: "k",
  ŋ: "n",
  ſ: "s",
};
const standalonePattern = new RegExp(`[${Object.keys(standalone).join("")}]`, "gu");

const DIAERESIS = "\u0308";
// German writes ä/ö/ü as ae/oe/ue when it cannot use the mark; a diaeresis on e, i or y (Zoë, Noël,
// Loïc) is a pronunciation hint, so it is dropped like any other accent.
const umlaut = new RegExp(`([aou])${DIAERESIS}`, "g");

/**
 * One name (or several words of one) as the lowercase ASCII letters and digits a username can hold.
 * Returns "" when nothing latin remains (a name written only in CJK, say): callers must report that, not
 * build a username from it.
 */
export function toUsernamePart(name: string, opts: { umlauts: UmlautMode }): string {
  // NFKD rather than NFD so full-width letters and ligatures (ﬁ) become plain letters too.
  let s = name.normalize("NFKD").toLowerCase();
  if (opts.umlauts === "expand") s = s.replace(umlaut, "$1e");
  s = s.replace(standalonePattern, (ch) => standalone[ch] ?? "");
  return s.replace(/\p{M}/gu, "").replace(/[^a-z0-9]/g, "");
}
