import type { FastifyRequest, FastifyServerOptions } from "fastify";

/**
 * The server's log (pino, through Fastify): on by default, and nothing secret in it. Secrets reach a
 * log line in three ways, each closed here: in a URL (a one-time link's path, a token in a query
 * string), under a field whose name says what it is (password, clientSecret, authorization, cookie,
 * anywhere in anything logged, errors included), and as a product token's text (lct_…, lcs_…, a Bearer
 * value) inside some message.
 */

export interface LogOptions {
  /** A pino level name; default "info". */
  level?: string;
  /** Where lines go; default standard output. */
  stream?: { write(line: string): unknown };
}

const censored = "[redacted]";

/** Paths whose segment after the prefix is the credential itself. */
// One-time link, approval link, sign-in link and form link pages carry their token in the path, as do the
// public form API and a submission's status address.
const secretPathPrefixes = [
  "/credentials/",
  "/approvals/",
  "/sign-in/",
  "/forms/",
  "/api/public/forms/",
  "/api/public/status/",
];

/** Query parameters and field names that carry secrets, compared lowercase without `-` and `_`. */
const secretNames = new Set([
  "password",
  "passwd",
  "pass",
  "secret",
  "token",
  "authorization",
  "proxyauthorization",
  "cookie",
  "setcookie",
  "apikey",
  "privatekey",
  "integrationcode",
  "masterkey",
  "code",
  "state",
  "sig",
  "signature",
]);
const secretSuffixes = ["password", "secret", "token", "privatekey", "apikey", "pass"];

/**
 * In a logged object `code` is the product's error code and `state` a run's or link's state: only in a
 * query string are they OAuth's authorization code and state.
 */
const queryOnly = new Set(["code", "state", "sig", "signature"]);

function normalised(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, "");
}

export function isSecretField(name: string, inQuery = false): boolean {
  const n = normalised(name);
  if (queryOnly.has(n)) return inQuery;
  return secretNames.has(n) || secretSuffixes.some((s) => n.endsWith(s));
}

/**
 * A URL or path with its secret parts replaced: a one-time link's token, secret query values. A prefix
 * counts at the start of the path only (after a URL's host, or at the start of a request's url), so
 * /api/credentials/acme%2Fapp, a credential's name, stays readable.
 */
export function redactUrl(url: string): string {
  let out = url;
  for (const prefix of secretPathPrefixes) {
    const path = prefix.replace(/[/]/g, "\\/");
    out = out.replace(
      new RegExp(`(^|[\\s"'(=]|\\/\\/[^/\\s"']+)${path}[^/?#\\s"']+`, "g"),
      `$1${prefix}${censored}`,
    );
  }
  return out.replace(/([?&])([^=&#\s"']+)=([^&#\s"']*)/g, (whole, sep: string, name: string) =>
    isSecretField(safeDecode(name), true) ? `${sep}${name}=${censored}` : whole,
  );
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Free text (a message, an error's stack) with URLs' secrets and anything shaped like a token removed. */
export function redactText(text: string): string {
  return redactUrl(text)
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${censored}`)
    .replace(/\b(lc[st])_[A-Za-z0-9._~-]+/g, `$1_${censored}`);
}

const maxDepth = 10;

/**
 * A copy of `value` fit to log: secret fields censored at any depth, strings through redactText,
 * errors as { type, message, stack, code, …, cause }. What JSON could not show (functions, cycles) goes.
 */
export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return typeof value === "function" ? undefined : value;
  if (seen.has(value)) return "[circular]";
  if (depth >= maxDepth) return "[too deep]";
  seen.add(value);
  try {
    if (value instanceof URL) return redactUrl(value.href);
    if (value instanceof Date) return value;
    if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
    if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1, seen));
    const out: Record<string, unknown> = {};
    if (value instanceof Error) {
      out.type = value.name;
      out.message = redactText(value.message);
      if (value.stack) out.stack = redactText(value.stack);
    }
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretField(k) ? censored : scrub(v, depth + 1, seen);
    }
    if (value instanceof Error && value.cause !== undefined) out.cause = scrub(value.cause, depth + 1, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

/** What a request's log lines say of it: never its headers or body. */
function requestSummary(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: redactText(request.host),
    remoteAddress: request.ip,
  };
}

/** Fastify's `logger` option: false, or pino set up to keep secrets out. */
export function loggerOptions(opts: LogOptions | boolean | undefined): FastifyServerOptions["logger"] {
  if (!opts) return false;
  const { level = "info", stream } = opts === true ? {} : opts;
  return {
    level,
    ...(stream ? { stream } : {}),
    serializers: {
      req: requestSummary,
      res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
      err: (err: Error) => scrub(err) as { type: string; message: string; stack: string },
    },
    formatters: {
      // Before the serializers: the request and reply under `req` and `res` are left to them.
      log: (object: Record<string, unknown>) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(object)) {
          if ((k === "req" || k === "res") && typeof v === "object" && v !== null && !isPlain(v)) out[k] = v;
          else if (k === "err") out[k] = v;
          else out[k] = isSecretField(k) ? censored : scrub(v);
        }
        return out;
      },
    },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((a) => (typeof a === "string" ? redactText(a) : a)) as Parameters<typeof method>,
        );
      },
    },
  };
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
