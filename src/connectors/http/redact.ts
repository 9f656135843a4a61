/** A vendor body is kept for support, not as an archive: a few KB say what went wrong. */
export const maxBodyChars = 4096;

// Keys whose values are credentials wherever they appear: OAuth replies, echoed requests, header dumps.
const secretKey =
  /^(access_?token|refresh_?token|id_?token|token|client_?secret|secret|password|new_?password|passwd|api_?key|x-api-key|authorization|proxy-authorization|private_?key|cookie|set-cookie)$/i;

const redacted = "[redacted]";

function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 20) return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        secretKey.test(k) && v !== null && typeof v !== "object" ? redacted : redactValue(v, depth + 1),
      ]),
    );
  }
  return typeof value === "string" ? redactText(value) : value;
}

/** Secrets in free text: header lines, form bodies, JSON the vendor sent as a string, bare JWTs. */
export function redactText(text: string): string {
  return (
    text
      .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${redacted}`)
      .replace(/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, redacted)
      .replace(
        /("(?:access_?token|refresh_?token|id_?token|token|client_?secret|secret|password|new_?password|passwd|api_?key|x-api-key|authorization|private_?key)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
        `$1"${redacted}"`,
      )
      .replace(
        /\b(access_token|refresh_token|id_token|client_secret|password|api_key|apikey)=[^&\s"]*/gi,
        `$1=${redacted}`,
      )
      // A header line with a scheme the patterns above do not know: its credential is the next word or two.
      .replace(/^(\s*(?:proxy-)?authorization\s*:\s*)(?:[A-Za-z]+\s+)?[^\s,;&]+/gim, `$1${redacted}`)
  );
}

/**
 * The vendor's body as a string fit to store: credentials replaced, then cut to a few KB (after
 * redaction, so a cut never leaves half a secret behind).
 */
export function bodyForRecord(body: unknown, max = maxBodyChars): string | undefined {
  if (body === undefined || body === null || body === "") return undefined;
  const text = typeof body === "string" ? redactText(body) : JSON.stringify(redactValue(body));
  return text.length > max ? `${text.slice(0, max)}… [${text.length - max} more characters]` : text;
}
