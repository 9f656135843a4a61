import type { RunEvent } from "../engine/events.ts";

export const keepAliveMs = 15_000;

/**
 * A client that reads slower than events arrive would make the server buffer without bound. Past this
 * much unsent data the stream is ended; the client reconnects with Last-Event-ID and loses nothing.
 */
export const maxBufferedBytes = 1 << 20;

/** One Server-Sent Events frame; the id lets a reconnecting EventSource resume with Last-Event-ID. */
export function sseFrame(e: RunEvent, named = true): string {
  if (!named) return `id: ${e.id}\ndata: ${JSON.stringify(e)}\n\n`;
  // A line break inside the event name would end the field early and corrupt the stream.
  const type = e.type.replace(/[\r\n]+/g, " ");
  return `id: ${e.id}\nevent: ${type}\ndata: ${JSON.stringify(e)}\n\n`;
}

export const sseKeepAlive = ": keepalive\n\n";

/**
 * The event id to resume after. Last-Event-ID wins over `?after=` because a browser's EventSource sends
 * the header on reconnect while the URL still carries the first value. Anything unreadable means "from
 * the start": replaying events is harmless, skipping them is not.
 */
export function resumeAfter(lastEventId: string | string[] | undefined, after: number | undefined): number {
  const header = Array.isArray(lastEventId) ? lastEventId[0] : lastEventId;
  if (header !== undefined && /^\d{1,15}$/.test(header.trim())) return Number(header.trim());
  return after ?? 0;
}
