const home = "/";
const maxLength = 2048;
// Resolved against a base of our own, so the only question left is whether it stayed on that origin.
const base = "http://lifecycle.invalid";

/**
 * The page to land on after signing in: a path on this server, or "/". Anything that could leave the
 * origin (another host, `//host`, `/\host`, a scheme) becomes "/", so the sign-in is never an open
 * redirect. An absolute URL on `ownOrigin` is accepted as its path.
 */
export function safeReturnTo(raw: unknown, ownOrigin?: string): string {
  if (typeof raw !== "string" || raw === "" || raw.length > maxLength) return home;
  // URL parsing drops tabs and newlines and reads "\" as "/": refuse them rather than guess what was meant.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return home;
  const relative = raw.startsWith("/");
  const origin = relative ? base : ownOrigin;
  if (origin === undefined) return home;
  let url: URL;
  try {
    url = relative ? new URL(raw, base) : new URL(raw);
    if (url.origin !== new URL(origin).origin) return home;
  } catch {
    return home;
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "/.//host" normalises to "//host", which a browser reads as another host.
  return path.startsWith("//") ? home : path;
}
