import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  text: string;
  at: number;
  /** Resolves when the client's socket for this request closes (an abort or timeout reaching it). */
  closed: Promise<number>;
}

/** What the peer does with one request: answer it, hold it open, or drop the connection. */
export type Handler = (seen: Seen, res: ServerResponse, req: IncomingMessage) => void;

/** A real HTTP peer on 127.0.0.1: each test says how it answers, and sees exactly what was sent. */
export async function startPeer() {
  let handler: Handler = (_s, res) => res.writeHead(500).end();
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let text = "";
    const closed = new Promise<number>((resolve) => req.socket.once("close", () => resolve(Date.now())));
    req.on("data", (c) => (text += String(c)));
    req.on("end", () => {
      const s: Seen = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        text,
        at: Date.now(),
        closed,
      };
      seen.push(s);
      handler(s, res, req);
    });
  });
  // Every request on its own connection, so "the socket closed" means this request's socket.
  server.keepAliveTimeout = 1;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    on(h: Handler) {
      handler = h;
      seen.length = 0;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(body === undefined ? "" : JSON.stringify(body));
}
