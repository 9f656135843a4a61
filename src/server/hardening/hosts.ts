import type { FastifyRequest, onRequestAsyncHookHandler } from "fastify";
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { ApiError } from "../errors.ts";

/**
 * Which Host headers the server answers. DNS rebinding points an attacker's name at this server's
 * address, so that a page from the attacker's site reaches it as "same origin"; the browser still sends
 * the attacker's name as Host, and refusing names that are not ours is what stops it.
 */
export interface HostPolicy {
  /** LIFECYCLE_PUBLIC_URL: the name people reach the server by, on any port (a proxy may add or drop it). */
  publicUrl?: string | undefined;
  /** LIFECYCLE_ALLOWED_HOSTS: more names, each on any port, or `name:port` for that port only. */
  extra?: readonly string[];
}

interface HostName {
  name: string;
  /** "" when the header had none (or named port 80, which the URL parser treats alike). */
  port: string;
}

/**
 * A Host header's name and port, as a browser would have written them: lowercase, IDNs in punycode,
 * IPv6 in brackets and compressed, no trailing dot. Undefined for anything that is not a host.
 */
export function parseHost(value: string): HostName | undefined {
  // Userinfo, paths and the like would make the URL parser read a different host than the header says.
  if (!/^(\[[0-9a-fA-F:.]+\]|[^\s/\\?#@[\]:]+)(:\d{1,5})?$/.test(value)) return undefined;
  try {
    const url = new URL(`http://${value}/`);
    return { name: url.hostname.replace(/\.$/, ""), port: url.port };
  } catch {
    return undefined;
  }
}

/** Names a browser reaches only on this machine; an attacker's page can never have one of them as Host. */
function isLoopbackName(name: string): boolean {
  return name === "localhost" || name === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(name);
}

const wildcard = new Set(["0.0.0.0", "::", "[::]"]);

/** The address the server listens on as a Host would name it; every interface's when it listens on all. */
function listeningNames(address: AddressInfo | string | null): string[] {
  if (address === null || typeof address === "string") return [];
  if (!wildcard.has(address.address)) return [nameOf(address.address)];
  return Object.values(networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .map((a) => nameOf(a.address.replace(/%.*$/, "")));
}

const nameOf = (ip: string) => (ip.includes(":") ? `[${ip}]` : ip);

function entriesOf(policy: HostPolicy): HostName[] {
  const out: HostName[] = [];
  if (policy.publicUrl) out.push({ name: new URL(policy.publicUrl).hostname.replace(/\.$/, ""), port: "*" });
  for (const raw of policy.extra ?? []) {
    const parsed = parseHost(raw.trim());
    if (!parsed) throw new Error(`"${raw}" is not a host name or host:port`);
    out.push({ name: parsed.name, port: raw.trim().match(/:\d+$/) ? parsed.port : "*" });
  }
  return out;
}

/**
 * The onRequest hook that refuses other names with 421 Misdirected Request: the request is well formed
 * (400 would say otherwise), it was only sent to a server that does not answer for that name, which is
 * what RFC 9110 §15.5.20 gives 421 for. Loopback names are accepted on any port, since an SSH tunnel or a
 * container's port map puts another port in front; the name, not the port, is what rebinding cannot fake.
 */
export function allowedHosts(
  policy: HostPolicy,
  address: () => AddressInfo | string | null,
): onRequestAsyncHookHandler {
  const entries = entriesOf(policy);
  const allowed = (host: HostName) =>
    isLoopbackName(host.name) ||
    entries.some((e) => e.name === host.name && (e.port === "*" || e.port === host.port)) ||
    listeningNames(address()).includes(host.name);
  return async (request: FastifyRequest) => {
    const host = parseHost(request.host);
    const shown = request.host.length > 100 ? `${request.host.slice(0, 100)}…` : request.host;
    // RFC 9112 §3.2: a missing or invalid Host is a bad request. Node would answer it bare; this is the
    // envelope (the server is built with requireHostHeader off so that it reaches here).
    if (!host)
      throw new ApiError("LC_ERR_MALFORMED_REQUEST", `the Host header "${shown}" does not name a host`);
    if (allowed(host)) return;
    throw new ApiError(
      "LC_ERR_HOST_NOT_ALLOWED",
      `this server does not answer for host "${shown}"; if it should, add it to LIFECYCLE_ALLOWED_HOSTS ` +
        "or name it in LIFECYCLE_PUBLIC_URL",
    );
  };
}
