import assert from "node:assert/strict";
import { test } from "node:test";
import type { RunEvent } from "../../src/engine/events.ts";
import { resumeAfter, sseFrame, sseKeepAlive } from "../../src/server/sse.ts";

const event: RunEvent = {
  id: 42,
  runId: "0b8e4c44-5d0f-4a57-9d25-8e1f6c1f0c11",
  actionKey: "create-user",
  at: new Date("2025-03-03T08:00:00Z"),
  type: "action.succeeded",
  outcome: "succeeded",
  message: "line one\nline two",
  requestId: null,
  detail: { upn: "jane.doe@acme.example.com" },
};

test("an event frame carries its id, its type and the event as one line of JSON, ended by a blank line", () => {
  const frame = sseFrame(event);
  const lines = frame.split("\n");
  assert.deepEqual(lines.slice(0, 2), ["id: 42", "event: action.succeeded"]);
  assert.ok(lines[2]?.startsWith("data: "));
  assert.deepEqual(JSON.parse(lines[2]?.slice("data: ".length) ?? ""), {
    ...event,
    at: "2025-03-03T08:00:00.000Z",
  });
  assert.ok(frame.endsWith("\n\n"));
  assert.equal(lines.length, 5, "a line break in the message must not split the data field");
});

test("a line break in an event type cannot inject a field into the stream", () => {
  const frame = sseFrame({ ...event, type: "x\ndata: forged" });
  assert.equal(frame.split("\n").filter((l) => l.startsWith("data:")).length, 1);
});

test("the keepalive is an SSE comment", () => {
  assert.equal(sseKeepAlive, ": keepalive\n\n");
});

test("Last-Event-ID wins over ?after=, and an unreadable one replays from the start", () => {
  assert.equal(resumeAfter("17", 3), 17);
  assert.equal(resumeAfter(undefined, 3), 3);
  assert.equal(resumeAfter(undefined, undefined), 0);
  assert.equal(resumeAfter("abc", undefined), 0);
  assert.equal(resumeAfter("-5", 2), 2);
  assert.equal(resumeAfter(["9", "10"], undefined), 9);
});
