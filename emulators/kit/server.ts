import { createServer as createHttpsServer } from "node:https";
import type { Server } from "node:http";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { selfSignedTls, type GeneratedTls } from "./tls.ts";

/**
 * The Fastify server every emulator runs on, http or https. `tls: "generate"` makes a self-signed
 * certificate at start (see tls.ts); `server.tls.cert` is what a client trusts.
 */

export type TlsOption = { key: string | Buffer; cert: string | Buffer } | "generate";

export interface ServerOptions {
  tls?: TlsOption | undefined;
  /** Graph matches path segments without regard to case; most REST APIs do not. */
  caseSensitive?: boolean;
  bodyLimit?: number;
}

export interface EmulatorServer {
  app: FastifyInstance;
  /** The PEM pair served, when https. */
  tls: { key: string | Buffer; cert: string | Buffer } | undefined;
}

/** The code a body that is not JSON fails with; each vendor's renderer turns it into its own 400. */
export const badJsonCode = "EMULATOR_BAD_JSON";

export function createEmulatorServer(opts: ServerOptions = {}): EmulatorServer {
  const tls: GeneratedTls | { key: string | Buffer; cert: string | Buffer } | undefined =
    opts.tls === "generate" ? selfSignedTls() : opts.tls;
  const app = Fastify({
    logger: false,
    // Clients reach an emulator through forwarding network clients (MSAL's, say) that announce the
    // scheme and host they meant; links and issuers must use those.
    trustProxy: true,
    // A hang fault holds its socket open; closing must not wait for it.
    forceCloseConnections: true,
    routerOptions: { caseSensitive: opts.caseSensitive ?? true },
    bodyLimit: opts.bodyLimit ?? 4 * 1024 * 1024,
    ...(tls
      ? {
          // Fastify's types tie HTTPS to a different instance type than every route module takes; the
          // server is only ever used through the request/response API both share.
          serverFactory: (handler: (req: FastifyRequest["raw"], res: FastifyReply["raw"]) => void) =>
            createHttpsServer({ key: tls.key, cert: tls.cert }, handler) as unknown as Server,
        }
      : {}),
  });
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    const text = String(body);
    if (!text.trim()) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(
        error instanceof Error ? Object.assign(error, { statusCode: 400, code: badJsonCode }) : null,
        undefined,
      );
    }
  });
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.addContentTypeParser("text/plain", { parseAs: "string" }, (_req, body, done) =>
    done(null, String(body)),
  );
  return { app, tls };
}

/** Listens and answers the base URL clients use; a wildcard host is shown as loopback. */
export async function listen(
  server: EmulatorServer,
  opts: { port?: number | undefined; host?: string | undefined },
): Promise<string> {
  const host = opts.host ?? "127.0.0.1";
  await server.app.listen({ port: opts.port ?? 0, host });
  const address = server.app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : opts.port;
  const shownHost =
    host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return `${server.tls ? "https" : "http"}://${shownHost}:${port}`;
}
