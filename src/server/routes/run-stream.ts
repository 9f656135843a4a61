import { z } from "zod";
import { followRun } from "../../engine/follow.ts";
import { getRun } from "../../engine/read.ts";
import type { Store } from "../../store/sql.ts";
import { ApiError, errorResponses } from "../errors.ts";
import { streamCaller, StreamSlots } from "../hardening/stream-slots.ts";
import { runParams } from "../schemas.ts";
import { keepAliveMs, maxBufferedBytes, resumeAfter, sseFrame, sseKeepAlive } from "../sse.ts";
import type { RoutePlugin } from "./plugin.ts";
import { clientOfRun } from "../principal.ts";

const streamQuery = z.strictObject({
  after: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe("Start after this event id (Last-Event-ID wins when sent)."),
  frames: z
    .enum(["named", "message"])
    .optional()
    .describe(
      "`named` (default): each frame's `event:` is the event's type. `message`: no `event:` field, so a " +
        "browser's EventSource delivers every type to onmessage; the type is in the data either way.",
    ),
});

// Loose: the parsed value replaces request.headers, so every other header must survive it.
const streamHeaders = z.looseObject({
  "last-event-id": z
    .string()
    .optional()
    .describe("Resume after this event id, as EventSource sends on reconnect."),
});

const eventStream = {
  description:
    "Server-Sent Events: every event of the run as `id: <id>`, `event: <type>`, `data: <RunEvent JSON>`, " +
    "existing ones first, then live; a `: keepalive` comment every 15 s.",
  content: { "text/event-stream": { schema: { type: "string" } } },
};

// A stream frees its place the moment it closes, so there is no window to wait out: this is a pause.
const retryAfterSeconds = 10;

export const runStreamRoutes: RoutePlugin<{ store: Store; maxStreamsPerCaller: number }> = async (
  app,
  { store, maxStreamsPerCaller },
) => {
  const slots = new StreamSlots(maxStreamsPerCaller);
  // Open streams never end by themselves, and server.close() waits for every open connection.
  const open = new Set<() => void>();
  app.addHook("preClose", async () => {
    for (const end of [...open]) end();
  });

  app.get(
    "/runs/:id/stream",
    {
      config: { access: { permission: "read", client: clientOfRun(store) } },
      schema: {
        summary: "Follow a run's events live",
        tags: ["runs"],
        params: runParams,
        querystring: streamQuery,
        headers: streamHeaders,
        response: {
          200: eventStream,
          ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND", "LC_ERR_RATE_LIMITED"),
        },
      },
    },
    async (request, reply) => {
      const runId = request.params.id;
      const release = slots.take(streamCaller(request));
      if (!release) {
        reply.header("retry-after", retryAfterSeconds);
        throw new ApiError(
          "LC_ERR_RATE_LIMITED",
          `${maxStreamsPerCaller} live streams are already open for you; close one to open another`,
        );
      }
      try {
        // Unknown or malformed ids get a JSON error while that is still possible, before the stream starts.
        await getRun(store, runId);
      } catch (err) {
        release();
        throw err;
      }
      const after = resumeAfter(request.headers["last-event-id"], request.query.after);

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        // Proxies that buffer (nginx) would hold events back until the buffer fills.
        "x-accel-buffering": "no",
      });
      res.flushHeaders();

      let stop: (() => Promise<void>) | undefined;
      let ended = false;
      const send = (frame: string) => {
        if (ended) return;
        res.write(frame);
        if (res.writableLength > maxBufferedBytes) end();
      };
      const keepAlive = setInterval(() => send(sseKeepAlive), keepAliveMs);
      const end = () => {
        if (ended) return;
        ended = true;
        release();
        clearInterval(keepAlive);
        open.delete(end);
        stop?.().catch((err: unknown) =>
          request.log.error({ err, runId }, "stopping an event stream failed"),
        );
        if (!res.writableEnded) res.end();
      };
      open.add(end);
      res.on("close", end);

      try {
        const named = request.query.frames !== "message";
        stop = await followRun(store, runId, (e) => send(sseFrame(e, named)), {
          afterId: after,
          onError: (err) => request.log.error({ err, runId }, "event stream could not read events"),
        });
      } catch (err) {
        request.log.error({ err, runId }, "event stream could not start");
        end();
        return;
      }
      // The client may have gone while the subscription was being set up; end() ran without a stop then.
      if (ended) await stop();
    },
  );
};
