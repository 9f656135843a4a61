import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { signedInServer } from "../support/signed-in.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { json, onboardingBody, seedApprovingClient } from "./helpers.ts";

let store: Store;
let app: Awaited<ReturnType<typeof signedInServer>>;
let base: string;
let listening = 0;

/** The store as the server sees it, counting live subscriptions so a leaked follower shows. */
function tracked(inner: Store): Store {
  return {
    kind: inner.kind,
    query: (text, params) => inner.query(text, params),
    tx: (fn) => inner.tx(fn),
    close: () => inner.close(),
    async listen(channel, onPayload) {
      const unlisten = await inner.listen(channel, onPayload);
      listening += 1;
      return async () => {
        listening -= 1;
        await unlisten();
      };
    },
  };
}

before(async () => {
  store = await openStore({});
  await seedApprovingClient(store);
  app = await signedInServer({ store: tracked(store) });
  base = await app.listen({ host: "127.0.0.1", port: 0 });
});

after(async () => {
  await app.close();
  await store.close();
});

interface Frame {
  id?: string;
  event?: string;
  data?: string;
}

/** Reads Server-Sent Events frames from a fetch body, as an EventSource would, ignoring comments. */
function frames(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  return {
    async next(timeoutMs = 5000): Promise<Frame | undefined> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const end = buffered.indexOf("\n\n");
        if (end >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const frame: Frame = {};
          for (const line of block.split("\n")) {
            const m = /^(id|event|data): (.*)$/.exec(line);
            if (m?.[1] === "id" || m?.[1] === "event" || m?.[1] === "data") frame[m[1]] = m[2];
          }
          if (Object.keys(frame).length) return frame;
          continue;
        }
        if (Date.now() > until) throw new Error(`no frame within ${timeoutMs} ms`);
        const chunk = await reader.read();
        if (chunk.done) return undefined;
        buffered += decoder.decode(chunk.value, { stream: true });
      }
    },
  };
}

async function submit(): Promise<{ runId: string }> {
  const res = await app.inject({ method: "POST", url: "/api/requests/onboard", payload: onboardingBody() });
  assert.equal(res.statusCode, 201, res.body);
  return json<{ runId: string }>(res);
}

async function openConnections(): Promise<number> {
  return new Promise((resolve, reject) =>
    app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
  );
}

/** Waits until the server holds no connection and no event follower: what a departed client must leave. */
async function released(): Promise<void> {
  const until = Date.now() + 5000;
  while ((await openConnections()) > 0 || listening > 0) {
    assert.ok(
      Date.now() < until,
      `after the client left: ${await openConnections()} connection(s), ${listening} follower(s)`,
    );
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("the stream sends a run's existing events, then new ones live, and lets go when the client disconnects", async () => {
  const { runId } = await submit();
  const abort = new AbortController();
  const res = await fetch(`${base}/api/runs/${runId}/stream`, {
    signal: abort.signal,
    headers: { authorization: `Bearer ${app.token}` },
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
  assert.ok(res.body);
  const stream = frames(res.body);

  const first = await stream.next();
  assert.equal(first?.event, "run.created");
  const data = JSON.parse(first?.data ?? "{}") as { id: number; runId: string; type: string };
  assert.equal(data.runId, runId);
  assert.equal(String(data.id), first?.id);
  assert.equal((await stream.next())?.event, "approval.requested");

  const cancelled = await app.inject({
    method: "POST",
    url: `/api/runs/${runId}/cancel`,
    payload: {},
  });
  assert.equal(cancelled.statusCode, 200);
  const live: string[] = [];
  while (!live.includes("run.status")) {
    const frame = await stream.next();
    assert.ok(frame, "the stream ended while events were expected");
    live.push(frame.event ?? "");
  }

  assert.equal(listening, 1);
  abort.abort();
  await released();
});

test("a stream opened with Last-Event-ID starts after that event", async () => {
  const { runId } = await submit();
  const events = json<{ id: number; type: string }[]>(
    await app.inject({ method: "GET", url: `/api/runs/${runId}/events` }),
  );
  const [first, second] = events;
  assert.ok(first && second);
  const abort = new AbortController();
  const res = await fetch(`${base}/api/runs/${runId}/stream?after=0`, {
    signal: abort.signal,
    headers: { "last-event-id": String(first.id), authorization: `Bearer ${app.token}` },
  });
  assert.ok(res.body);
  const frame = await frames(res.body).next();
  assert.equal(frame?.id, String(second.id));
  assert.equal(frame?.event, second.type);
  abort.abort();
  await released();
});

test("closing the server ends its open streams instead of waiting for them forever", async () => {
  const own = await signedInServer({ store: tracked(store) });
  const url = await own.listen({ host: "127.0.0.1", port: 0 });
  const { runId } = await submit();
  const res = await fetch(`${url}/api/runs/${runId}/stream`, {
    headers: { authorization: `Bearer ${own.token}` },
  });
  assert.ok(res.body);
  const stream = frames(res.body);
  assert.ok(await stream.next());
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      own.server.closeAllConnections();
      reject(new Error("close() was still waiting for the open stream after 3 s"));
    }, 3000);
  });
  try {
    await Promise.race([own.close(), stuck]);
  } finally {
    clearTimeout(timer);
  }
  let frame: Frame | undefined;
  do frame = await stream.next();
  while (frame);
  assert.equal(listening, 0, "a follower outlived its server");
});
