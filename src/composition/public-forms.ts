import type { KeySource } from "../credentials/keys.ts";
import {
  formLinkByToken,
  recordFormSubmission,
  submissionByStatusToken,
  submissionStatusToken,
  type FormLinkRecord,
} from "../credentials/form-links.ts";
import type { ClientConfig } from "../domain/client.ts";
import type { Plan, PlanFinding } from "../domain/plan.ts";
import { fail, ok, type Result } from "../domain/result.ts";
import type { ActionState, RunStatus } from "../domain/run-status.ts";
import type { DirectoryPerson } from "../ports/index.ts";
import { describeForm, requestForms, type FormDescription } from "../requests/index.ts";
import { getClient } from "../store/clients-repo.ts";
import type { Sql, Store } from "../store/sql.ts";
import { onboardingImplications, type OnboardingImplications } from "../workflows/index.ts";
import type { PortsResolver } from "./client-ports.ts";
import { submitRequest, type SubmitOptions } from "./submit.ts";

/** How many people a type-ahead answers, and the shortest prefix it searches for. */
export const peopleSearch = { limit: 10, minLength: 2 } as const;

/** A link that opens its client's form; anything else says why not, and nothing of the client. */
export type OpenedFormLink =
  | { kind: "ready"; link: FormLinkRecord; client: ClientConfig }
  | { kind: "not-found" }
  | { kind: "revoked" }
  | { kind: "expired" };

export async function openFormLink(sql: Sql, token: string, now: Date): Promise<OpenedFormLink> {
  const state = await formLinkByToken(sql, token, now);
  if (state.kind !== "ready") return { kind: state.kind };
  const client = await getClient(sql, state.link.clientId);
  // A link outlives nothing: its client's row cannot be deleted while a link names it (foreign key).
  if (!client) return { kind: "not-found" };
  return { kind: "ready", link: state.link, client };
}

export interface PublicFormView {
  kind: "onboard" | "offboard";
  client: { id: string; displayName: string; domains: string[]; timeZone: string };
  form: FormDescription;
  /** For onboarding: what each department and role gives the new user. None for offboarding. */
  implications: OnboardingImplications | null;
}

/** The form a link opens, as its page renders it: the client's choices, defaults and maps. */
export function publicFormView(link: FormLinkRecord, client: ClientConfig): PublicFormView {
  return {
    kind: link.kind,
    client: {
      id: client.id,
      displayName: client.displayName,
      domains: [...client.domains],
      timeZone: client.timeZone,
    },
    form: describeForm(requestForms[link.kind], client),
    implications: link.kind === "onboard" ? onboardingImplications(client) : null,
  };
}

/**
 * People of the client's directory for a type-ahead, without their directory ids; none when the client has no directory to ask. A
 * directory that fails to answer throws (the caller decides how much of why to say).
 */
export async function searchClientPeople(
  ports: PortsResolver | undefined,
  client: ClientConfig,
  q: string,
): Promise<Omit<DirectoryPerson, "id">[]> {
  const directory = ports ? (await ports(client)).directory : undefined;
  if (!directory) return [];
  const people = await directory.searchPeople(q, peopleSearch.limit);
  // The directory's object ids are of no use to a form, and are not the form's to know.
  return people.slice(0, peopleSearch.limit).map(({ id: _id, ...person }) => person);
}

/** The body a form link sends, for its own client: another client named is a field error. */
function forLinkClient(body: unknown, link: FormLinkRecord): Result<Record<string, unknown>> {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return fail("body", "must be a JSON object");
  const given = (body as Record<string, unknown>).client;
  if (given !== undefined && given !== link.clientId)
    return fail("client", `must be "${link.clientId}", the client this form link is for (or left out)`);
  return ok({ ...(body as Record<string, unknown>), client: link.clientId });
}

export interface LinkSubmitOptions {
  now: Date;
  keys: KeySource;
  live?: SubmitOptions["live"];
  registry?: SubmitOptions["registry"];
  idempotencyKey?: string;
}

export type LinkSubmission =
  | { dryRun: true; plan: Plan; planHash: string; findings: PlanFinding[] }
  | { dryRun: false; runId: string; status: RunStatus; statusToken: string; replayed: boolean };

/**
 * A form link's dry run or submission, for the link's own client. The link's holder is not staff: they
 * are recorded by the link's id, own their Idempotency-Keys per link, and nothing of theirs makes an
 * approver (the request's requester still never approves).
 */
export async function submitThroughLink(
  store: Store,
  link: FormLinkRecord,
  body: unknown,
  opts: LinkSubmitOptions & { dryRun: boolean },
): Promise<Result<LinkSubmission>> {
  const own = forLinkClient(body, link);
  if (!own.ok) return own;
  const submission = await submitRequest(store, link.kind, own.value, {
    actor: `form link ${link.id}`,
    submittedVia: { via: "form-link", formLinkId: link.id },
    dryRun: opts.dryRun,
    now: opts.now,
    live: opts.live,
    ...(opts.registry ? { registry: opts.registry } : {}),
    ...(opts.idempotencyKey && !opts.dryRun
      ? { idempotencyKey: opts.idempotencyKey, idempotencyOwner: `form-link:${link.id}` }
      : {}),
    onStored: async (sql, runId) => {
      await recordFormSubmission(sql, opts.keys, runId, link.id);
    },
  });
  if (!submission.ok) return submission;
  const s = submission.value;
  if (s.dryRun) return ok({ dryRun: true, plan: s.plan, planHash: s.planHash, findings: s.findings });
  if (s.runId === undefined || s.status === undefined)
    throw new Error("submitRequest stored a run without returning its id and status");
  const statusToken = await submissionStatusToken(store, opts.keys, s.runId);
  if (!statusToken) throw new Error(`run ${s.runId} was submitted through a form link that kept no record`);
  return ok({ dryRun: false, runId: s.runId, status: s.status, statusToken, replayed: s.replayed === true });
}

/** What a submitter may see of their run: where it stands and each step's title and state. */
export interface SubmissionStatus {
  kind: "onboard" | "offboard";
  client: string;
  subject: string;
  status: RunStatus;
  submittedAt: Date;
  startAt: Date;
  finishedAt: Date | null;
  steps: {
    title: string;
    state: ActionState;
    startedAt: Date | null;
    finishedAt: Date | null;
  }[];
}

export async function submissionStatus(sql: Sql, token: string): Promise<SubmissionStatus | undefined> {
  const found = await submissionByStatusToken(sql, token);
  if (!found) return undefined;
  const [run] = await sql.query<{
    kind: "onboard" | "offboard";
    client: string;
    subject: string;
    status: RunStatus;
    created_at: Date;
    start_at: Date;
    finished_at: Date | null;
  }>(
    `select r.kind, c.display_name as client, r.subject, r.status, r.created_at, r.start_at, r.finished_at
       from runs r join clients c on c.id = r.client_id where r.id = $1`,
    [found.runId],
  );
  if (!run) return undefined;
  const steps = await sql.query<{
    title: string;
    state: ActionState;
    started_at: Date | null;
    finished_at: Date | null;
  }>("select title, state, started_at, finished_at from actions where run_id = $1 order by id", [
    found.runId,
  ]);
  const at = (d: Date | null) => (d ? new Date(d) : null);
  return {
    kind: run.kind,
    client: run.client,
    subject: run.subject,
    status: run.status,
    submittedAt: new Date(run.created_at),
    startAt: new Date(run.start_at),
    finishedAt: at(run.finished_at),
    steps: steps.map((s) => ({
      title: s.title,
      state: s.state,
      startedAt: at(s.started_at),
      finishedAt: at(s.finished_at),
    })),
  };
}
