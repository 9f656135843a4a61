import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Timeline } from "./pages/Run";
import {
  approvalOf,
  findingsOf,
  stepsOf,
  ticketOf,
  timelineOf,
  type RunAction,
  type RunDetail,
  type TimelineEvent,
} from "./timeline";

const t0 = Date.parse("2026-12-02T12:00:00.000Z");
const at = (seconds: number) => new Date(t0 + seconds * 1000).toISOString();
let nextId = 1;
const event = (seconds: number, e: Partial<TimelineEvent> & { type: string }): TimelineEvent => ({
  id: nextId++,
  runId: "r1",
  actionKey: null,
  at: at(seconds),
  detail: null,
  message: null,
  outcome: null,
  requestId: null,
  ...e,
});
const action = (key: string, title: string, a: Partial<RunAction> = {}): RunAction => ({
  key,
  title,
  type: "identity.create-user",
  deps: [],
  required: true,
  state: "succeeded",
  attempts: 1,
  outcome: null,
  startedAt: null,
  finishedAt: null,
  runAt: at(0),
  ...a,
});

const graphFailure = {
  kind: "failed" as const,
  error: {
    kind: "permission",
    message: "the app may not change this user's licences",
    code: "PERMISSION_DENIED",
    vendor: { api: "graph", status: 403, code: "Authorization_RequestDenied", requestId: "req-403" },
  },
  calls: [
    { api: "graph", call: "POST /users/{upn}/assignLicense", status: 403, at: at(70), requestId: "req-403" },
  ],
};

const run: RunDetail = {
  id: "r1",
  clientId: "acme",
  kind: "onboard",
  subject: "sarah.johnson@acmecorp.com",
  status: "failed",
  planHash: "f".repeat(64),
  workflow: "builtin:onboard@1",
  requester: "hr@acmecorp.com",
  ticket: "48291",
  cancelReason: null,
  createdAt: at(0),
  startAt: at(0),
  finishedAt: at(160),
  actions: [
    action("approval", "Approval", { type: "engine.gate" }),
    action("create-user", "Create sarah.johnson@acmecorp.com", {
      startedAt: at(1),
      finishedAt: at(2.4),
      outcome: { kind: "succeeded", detail: "created sarah.johnson@acmecorp.com", requestId: "req-create" },
    }),
    action("group:Sales", "Add to Sales", { state: "already-done", outcome: { kind: "already-done" } }),
    action("devices", "Assign the Autopilot device", {
      state: "skipped",
      outcome: { kind: "skipped", reason: "no device serial number was given" },
    }),
    action("mailbox-ready", "Wait for the mailbox", { attempts: 3 }),
    action("licence", "Assign SPB", { state: "failed", attempts: 1, outcome: graphFailure }),
    action("psa-ticket", "Open the ticket", {
      type: "psa.open-ticket",
      outcome: {
        kind: "succeeded",
        data: { number: "48291", url: "https://acme-msp.halopsa.com/ticket?id=48291" },
      },
    }),
  ],
  events: [],
};

const events: TimelineEvent[] = [
  event(0, {
    type: "run.created",
    message: "onboard of sarah.johnson@acmecorp.com requested by hr@acmecorp.com",
    detail: { findings: [{ field: "role", severity: "warning", message: "no licences for role intern" }] },
  }),
  event(0.1, { type: "run.status", outcome: "running", message: "run is running" }),
  event(0.5, {
    type: "action.succeeded",
    actionKey: "approval",
    outcome: "succeeded",
    detail: { kind: "succeeded", detail: "approved by mike.chen@acmecorp.com at 2026-12-02T12:00:00.500Z" },
  }),
  event(1, { type: "action.started", actionKey: "create-user", message: "attempt 1" }),
  event(1.5, {
    type: "action.applying",
    actionKey: "create-user",
    message: "create sarah.johnson@acmecorp.com",
  }),
  event(2, {
    type: "action.succeeded",
    actionKey: "create-user",
    outcome: "succeeded",
    message: "created sarah.johnson@acmecorp.com",
    requestId: "req-create",
    detail: { kind: "succeeded", detail: "created sarah.johnson@acmecorp.com", requestId: "req-create" },
  }),
  event(3, {
    type: "action.already-done",
    actionKey: "group:Sales",
    outcome: "already-done",
    detail: { kind: "already-done" },
  }),
  event(4, {
    type: "action.skipped",
    actionKey: "devices",
    outcome: "skipped",
    detail: { kind: "skipped", reason: "no device serial number was given" },
  }),
  event(10, {
    type: "action.waiting",
    actionKey: "mailbox-ready",
    outcome: "waiting",
    detail: { kind: "waiting", for: "the mailbox to be provisioned", until: at(20) },
  }),
  event(20, { type: "action.started", actionKey: "mailbox-ready", message: "attempt 2" }),
  event(21, {
    type: "action.waiting",
    actionKey: "mailbox-ready",
    outcome: "waiting",
    detail: { kind: "waiting", for: "the mailbox to be provisioned", until: at(40) },
  }),
  event(70, { type: "action.failed", actionKey: "licence", outcome: "failed", detail: graphFailure }),
  event(71, {
    type: "action.blocked",
    actionKey: "welcome",
    outcome: "blocked",
    message: "not run: licence failed",
  }),
  event(154, {
    type: "action.succeeded",
    actionKey: "psa-log",
    outcome: "succeeded",
    detail: { kind: "succeeded", detail: "logged all actions to ticket #48291" },
  }),
  event(160, { type: "run.status", outcome: "failed", message: "run is failed" }),
];

describe("timelineOf", () => {
  const lines = timelineOf(run, events);

  it("says each step's outcome once, without attempts, intents or a wait polled again", () => {
    expect(lines.map((l) => `${l.elapsed} ${l.text}`)).toEqual([
      "0:00 Onboard of sarah.johnson@acmecorp.com requested by hr@acmecorp.com",
      "0:02 Created sarah.johnson@acmecorp.com",
      "0:03 Add to Sales: already done, nothing changed",
      "0:04 Assign the Autopilot device: skipped, no device serial number was given",
      "0:10 Wait for the mailbox: waiting for the mailbox to be provisioned",
      "1:10 Assign SPB: failed, the app may not change this user's licences",
      "1:11 welcome: not run: licence failed",
      "2:34 Logged all actions to ticket #48291",
      "2:40 Failed",
    ]);
  });

  it("keeps the vendor's request id, and a failure's code and message as the vendor sent them", () => {
    expect(lines[1]?.requestId).toBe("req-create");
    const failed = lines.find((l) => l.tone === "bad" && l.failure);
    expect(failed?.failure).toEqual({
      kind: "permission",
      message: "the app may not change this user's licences",
      code: "PERMISSION_DENIED",
      vendor: "Microsoft Graph",
      vendorStatus: 403,
      vendorCode: "Authorization_RequestDenied",
      requestId: "req-403",
    });
  });

  it("renders each line with its time, and the failure with the vendor's code", () => {
    render(<Timeline run={run} events={events} />);
    const list = screen.getByRole("list", { name: "Timeline" });
    const items = within(list).getAllByRole("listitem");
    expect(items).toHaveLength(9);
    expect(items[5]?.textContent).toContain("Microsoft Graph 403 Authorization_RequestDenied");
    expect(items[5]?.textContent).toContain("PERMISSION_DENIED");
    expect(items[5]?.textContent).toContain("request req-403");
  });
});

describe("a run's steps, findings, approval and ticket", () => {
  it("gives each step its duration, attempts, request id and error", () => {
    const steps = stepsOf(run.actions.slice(1));
    expect(steps[0]).toMatchObject({ duration: "1.4 s", attempts: 1, requestId: "req-create" });
    expect(steps[2]?.note).toBe("no device serial number was given");
    expect(steps[4]?.failure?.vendorCode).toBe("Authorization_RequestDenied");
    expect(steps[4]?.requestId).toBe("req-403");
  });

  it("reads the pre-flight findings from the run's creation", () => {
    expect(findingsOf(events)).toEqual([
      { field: "role", severity: "warning", message: "no licences for role intern" },
    ]);
  });

  it("links the ticket the PSA opened, and only by a web address", () => {
    expect(ticketOf(run)).toEqual({ number: "48291", url: "https://acme-msp.halopsa.com/ticket?id=48291" });
    const sneaky = {
      ...run,
      actions: [
        action("psa-ticket", "t", {
          type: "psa.open-ticket",
          outcome: { kind: "succeeded", data: { number: "7", url: "javascript:alert(1)" } },
        }),
      ],
    };
    expect(ticketOf(sneaky)).toEqual({ number: "7", url: null });
    expect(ticketOf({ ...run, ticket: null, actions: [] })).toBeNull();
  });

  it("tells who was asked to approve and who decided", () => {
    const gate = action("approval", "Approval", { type: "engine.gate", state: "waiting" });
    const asked = event(0, {
      type: "approval.requested",
      actionKey: "approval",
      message: "approval by mike.chen@acmecorp.com (manager) required before 2026-12-05T12:00:00.000Z",
    });
    const open = approvalOf({ status: "awaiting-approval", actions: [gate] }, [asked]);
    expect(open).toMatchObject({ open: true, decisions: [], asked: asked.message });
    const approved = event(30, {
      type: "approval.approved",
      actionKey: "approval",
      message: "approved by mike.chen@acmecorp.com through approval link abc",
    });
    expect(approvalOf({ status: "running", actions: [gate] }, [asked, approved])?.decisions).toEqual([
      {
        at: approved.at,
        approved: true,
        text: "Approved by mike.chen@acmecorp.com through approval link abc",
      },
    ]);
    expect(approvalOf({ status: "running", actions: [] }, [])).toBeNull();
  });
});
