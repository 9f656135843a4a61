/** The tokens a username pattern may use: full first / last / middle name, or its initial. */
export const usernameTokens = ["first", "last", "f", "l", "middle", "m"] as const;
export type UsernameToken = (typeof usernameTokens)[number];

export const usernameSeparators = [".", "_", "-"] as const;
export type UsernameSeparator = (typeof usernameSeparators)[number];

export type PatternSegment =
  { kind: "token"; token: UsernameToken } | { kind: "sep"; sep: UsernameSeparator };

export type PatternParse = { ok: true; segments: PatternSegment[] } | { ok: false; message: string };

const isToken = (s: string): s is UsernameToken => (usernameTokens as readonly string[]).includes(s);
const isSeparator = (s: string): s is UsernameSeparator =>
  (usernameSeparators as readonly string[]).includes(s);

/**
 * Parses "{first}.{last}" into segments. Refuses anything that could render an invalid username: unknown
 * tokens, other literal characters, a leading or trailing separator, two separators in a row ("..").
 */
export function parseUsernamePattern(pattern: string): PatternParse {
  const segments: PatternSegment[] = [];
  const re = /\{([^{}]*)\}|(.)/gsu;
  for (const m of pattern.matchAll(re)) {
    const [whole, tokenName, literal] = m;
    if (tokenName !== undefined) {
      if (!isToken(tokenName)) {
        return {
          ok: false,
          message: `has an unknown token "${whole}"; use ${usernameTokens.map((t) => `{${t}}`).join(" ")}`,
        };
      }
      segments.push({ kind: "token", token: tokenName });
    } else if (literal !== undefined && isSeparator(literal)) {
      if (segments.at(-1)?.kind === "sep")
        return { ok: false, message: "must not have two separators in a row" };
      segments.push({ kind: "sep", sep: literal });
    } else {
      return { ok: false, message: `may only hold tokens and the separators . _ - (found "${whole}")` };
    }
  }
  if (!segments.some((s) => s.kind === "token" && s.token !== "middle" && s.token !== "m")) {
    return { ok: false, message: "must use at least one of {first} {last} {f} {l}" };
  }
  if (segments[0]?.kind === "sep" || segments.at(-1)?.kind === "sep") {
    return { ok: false, message: "must start and end with a token, not a separator" };
  }
  return { ok: true, segments };
}
