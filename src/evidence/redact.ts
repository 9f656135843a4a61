/**
 * What keeps secrets out of the report. The report is built from named fields, not by copying records;
 * these are the second line: anything a step recorded passes through `withoutSecrets`, and every free
 * text through `redactText`, so a pass, a one-time link or a vendor secret that reached a record by
 * mistake still stops here.
 */

export const redacted = "[redacted]";

// A key naming a credential, a pass or a link to one: its value is left out whatever it holds. Matched on
// the key's last word, so `linkUrl`, `temporaryAccessPass`, `client_secret` and `newPassword` all are.
const secretKey =
  /(pass|password|passwd|passcode|passphrase|secret|token|link|url|uri|href|credential|credentials|authorization|cookie|apikey|api_key|privatekey|private_key|otp|pin|code_verifier)$/i;

export const isSecretKey = (key: string): boolean => secretKey.test(key);

/** A copy of `value` without secret-named keys, its strings redacted. */
export function withoutSecrets(value: unknown, depth = 0): unknown {
  if (depth > 20) return redacted;
  if (typeof value === "string") return redactText(value);
  if (Array.isArray(value)) return value.map((v) => withoutSecrets(v, depth + 1));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !isSecretKey(k))
        .map(([k, v]) => [k, withoutSecrets(v, depth + 1)]),
    );
  }
  return value;
}

export function recordWithoutSecrets(value: unknown): Record<string, unknown> {
  const clean = withoutSecrets(value);
  return clean && typeof clean === "object" && !Array.isArray(clean)
    ? (clean as Record<string, unknown>)
    : {};
}

const secretWords =
  "password|passwd|passcode|pass|secret|client_secret|token|access_token|refresh_token|id_token|api_key|apikey|tap|temporary access pass";

/** Secrets in free text: one-time links, bearer headers, JWTs, `password=…` / `"secret": "…"` pairs. */
export function redactText(text: string): string {
  return (
    text
      // A one-time link's token is the credential: the path keeps its shape, the token goes.
      .replace(/\/credentials\/[^\s"'<>)\]]+/gi, `/credentials/${redacted}`)
      .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${redacted}`)
      .replace(/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, redacted)
      .replace(new RegExp(`("(?:${secretWords})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, "gi"), `$1"${redacted}"`)
      .replace(new RegExp(`\\b(${secretWords})(\\s*[:=]\\s*)[^\\s,;&"']+`, "gi"), `$1$2${redacted}`)
  );
}
