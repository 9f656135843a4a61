import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { isIP } from "node:net";
import { failAll, ok, type Result } from "../domain/result.ts";
import type { FieldError } from "../domain/result.ts";
import { parseHost } from "../server/hardening/hosts.ts";
import type { Hardening, LogOptions, TrustProxy } from "../server/hardening/index.ts";

/**
 * The server's hardening settings, from the environment. Each problem names its variable, so a
 * misspelt value stops `lifecycle start` with the fix instead of starting a server that is not what
 * was asked for.
 */
export function httpSettingsFromEnv(env: NodeJS.ProcessEnv): Result<Hardening> {
  const errors: FieldError[] = [];
  const problem = (field: string, message: string) => {
    errors.push({ field, message });
    return undefined;
  };
  const level = logSetting(env.LIFECYCLE_LOG, (m) => problem("LIFECYCLE_LOG", m));
  const logger =
    level && env.LIFECYCLE_LOG_FILE ? { ...level, stream: logFile(env.LIFECYCLE_LOG_FILE) } : level;
  const publicUrl = publicUrlSetting(env.LIFECYCLE_PUBLIC_URL, (m) => problem("LIFECYCLE_PUBLIC_URL", m));
  const extra = allowedHostsSetting(env.LIFECYCLE_ALLOWED_HOSTS, (m) =>
    problem("LIFECYCLE_ALLOWED_HOSTS", m),
  );
  const trustProxy = trustProxySetting(env.LIFECYCLE_TRUST_PROXY, (m) => problem("LIFECYCLE_TRUST_PROXY", m));
  if (errors.length) return failAll(errors);
  return ok({ logger, hosts: { publicUrl, extra }, trustProxy });
}

type Problem = (message: string) => undefined;

/** The log appended to a file (the demo's, beside its data) that only the server's user reads. */
function logFile(path: string): { write(line: string): unknown } {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const stream = createWriteStream(path, { flags: "a", mode: 0o600 });
  stream.on("error", (err) =>
    process.stderr.write(`the server log ${path} cannot be written: ${err.message}\n`),
  );
  return stream;
}

const levels = new Set(["fatal", "error", "warn", "info", "debug", "trace"]);

/** On unless turned off: the log is where an operator finds what a request id in an error refers to. */
function logSetting(value: string | undefined, problem: Problem): false | LogOptions | undefined {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "" || v === "1" || v === "on" || v === "true") return { level: "info" };
  if (v === "0" || v === "off" || v === "false") return false;
  if (levels.has(v)) return { level: v };
  return problem(`"${value}" is not 0 (off), 1 (on) or a level (${[...levels].join(", ")})`);
}

function publicUrlSetting(value: string | undefined, problem: Problem): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol === "https:" || url.protocol === "http:") return value;
  } catch {
    // Reported below, as for another scheme.
  }
  return problem(`"${value}" is not an http(s) URL, e.g. https://lifecycle.example.com`);
}

function allowedHostsSetting(value: string | undefined, problem: Problem): string[] {
  const hosts = (value ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  for (const h of hosts) if (!parseHost(h)) problem(`"${h}" is not a host name or host:port`);
  return hosts;
}

const proxyAddressNames = new Set(["loopback", "linklocal", "uniquelocal"]);

function isAddressOrRange(s: string): boolean {
  if (proxyAddressNames.has(s)) return true;
  const [address = "", bits, ...rest] = s.split("/");
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * Off by default: without a proxy in front, believing X-Forwarded-For would let any client pick the
 * address it is rate-limited as. A hop count or the proxies' addresses, never "all".
 */
function trustProxySetting(value: string | undefined, problem: Problem): TrustProxy | undefined {
  const v = (value ?? "").trim();
  if (v === "" || v === "0" || v.toLowerCase() === "false" || v.toLowerCase() === "off") return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  if (v.toLowerCase() === "true")
    return problem(
      "trusting every hop lets any client choose the address it is seen from; give the number of " +
        "proxies in front of the server (e.g. 1) or their addresses (e.g. 10.0.0.5,10.1.0.0/16)",
    );
  const entries = v
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  const bad = entries.filter((e) => !isAddressOrRange(e));
  if (bad.length)
    return problem(
      `${bad.map((b) => `"${b}"`).join(", ")}: give a hop count, or addresses and CIDR ranges ` +
        "(or loopback, linklocal, uniquelocal)",
    );
  return entries;
}

function isLoopbackAddress(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  return (
    h === "localhost" ||
    h === "::1" ||
    /^127\.\d+\.\d+\.\d+$/.test(h) ||
    /^::ffff:127\.\d+\.\d+\.\d+$/.test(h)
  );
}

/**
 * Why the server must not listen on `host`, or undefined when it may. Anywhere but loopback, the plain
 * HTTP this server speaks carries sign-in cookies, API tokens and one-time links readable across the
 * network; that is acceptable only behind a TLS proxy (an https public URL), or when someone says so.
 */
export function listenRefusal(host: string, env: NodeJS.ProcessEnv): string | undefined {
  if (isLoopbackAddress(host)) return undefined;
  const publicUrl = env.LIFECYCLE_PUBLIC_URL ?? "";
  if (publicUrl.toLowerCase().startsWith("https://")) return undefined;
  if (env.LIFECYCLE_ALLOW_INSECURE_HTTP === "1") return undefined;
  return (
    `refusing to listen on ${host}: other machines could reach it, and this server speaks plain HTTP, so ` +
    "sign-in cookies, API tokens and one-time links would cross the network readable. Either put it " +
    "behind a TLS proxy and set LIFECYCLE_PUBLIC_URL=https://<the name people use>, or listen on " +
    "127.0.0.1 (the default), or set LIFECYCLE_ALLOW_INSECURE_HTTP=1 to accept that on a network you trust"
  );
}
