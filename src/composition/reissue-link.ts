import { welcomeAudience, welcomeMail, welcomeParams } from "../actions/notify/welcome-email.ts";
import type { Dropped } from "../actions/support/allowed-recipients.ts";
import type { KeySource } from "../credentials/keys.ts";
import { linksOfRun, reissueLink, type LinkView } from "../credentials/one-time-links.ts";
import { LifecycleError, toFailure } from "../domain/errors.ts";
import { appendEvent } from "../engine/events.ts";
import { getRun } from "../engine/read.ts";
import { appendAudit } from "../store/audit.ts";
import { getClient } from "../store/clients-repo.ts";
import type { Store } from "../store/sql.ts";
import type { PortBinding, PortsResolver } from "./client-ports.ts";

export interface Reissued {
  revoked: string;
  link: LinkView;
  sentTo: string[];
  dropped: Dropped[];
}

const conflict = (message: string) => new LifecycleError({ kind: "conflict", code: "LINK_SPENT", message });

/** The run's links, each issue of each; none for a run that made none. */
export async function runLinks(store: Store, runId: string): Promise<LinkView[]> {
  await getRun(store, runId);
  return linksOfRun(store, runId);
}

/** The step whose link is re-issued: the one named, or the run's only one. */
async function linkStep(store: Store, runId: string, step: string | undefined): Promise<LinkView> {
  const current = (await runLinks(store, runId)).filter((l) => l.state !== "revoked");
  const chosen = step === undefined ? current : current.filter((l) => l.step === step);
  const [only] = chosen;
  if (!only)
    throw new LifecycleError({
      kind: "not-found",
      code: "LINK_NOT_FOUND",
      message:
        step === undefined
          ? `run ${runId} has no one-time link`
          : `step ${step} of run ${runId} has no one-time link`,
    });
  if (chosen.length > 1)
    throw new LifecycleError({
      kind: "invalid",
      message: `run ${runId} has one-time links of several steps (${chosen.map((l) => l.step).join(", ")}): name one`,
    });
  return only;
}

/**
 * Revokes a run's one-time link and sends a new one the way the first went: the run's welcome email, to
 * the same people (screened as the step screens them), from the same sender. The old link stops working
 * before the new one is sent; a send that fails says so on the run's timeline, and another re-issue
 * makes a fresh link. The audit log names who asked.
 */
export async function reissueRunLink(
  store: Store,
  deps: { keys: KeySource; ports: PortsResolver },
  runId: string,
  opts: { actor: string; step?: string | undefined },
): Promise<Reissued> {
  const run = await getRun(store, runId);
  const old = await linkStep(store, runId, opts.step);
  const welcome = run.actions.find((a) => a.type === "notify.welcome-email");
  if (!welcome || !["succeeded", "already-done"].includes(welcome.state))
    throw conflict(
      welcome
        ? `run ${runId}'s welcome email is ${welcome.state}, not sent: a new link goes the way the first did, once that has gone`
        : `run ${runId} has no welcome email to send a new link with`,
    );
  const [row] = await store.query<{ params: unknown; bind: PortBinding | null }>(
    "select params, bind from actions where run_id = $1 and key = $2",
    [runId, welcome.key],
  );
  const p = welcomeParams.parse(row?.params);
  const { to, dropped } = welcomeAudience(p);
  if (!to.length) throw conflict(`run ${runId}'s welcome email has nobody it may go to`);
  if (!p.from) throw conflict(`run ${runId}'s welcome email names no sender`);
  const client = await getClient(store, run.clientId);
  const caps = await deps.ports(client, row?.bind ?? undefined);
  if (!caps.mailSender || !caps.oneTimeLinks)
    throw new LifecycleError({
      kind: "invalid",
      code: "NOT_CONFIGURED",
      message: `client ${run.clientId} has no ${caps.mailSender ? "one-time links" : "mail sender"} to send a new link with`,
    });

  const { revoked, link } = await store.tx(async (sql) => {
    const issued = await reissueLink(sql, deps.keys, { runId, actionKey: old.step });
    await appendEvent(sql, {
      runId,
      actionKey: old.step,
      type: "link.reissued",
      outcome: "created",
      message: `one-time link ${issued.revoked} revoked and ${issued.link.linkId} issued by ${opts.actor}`,
      detail: { linkId: issued.link.linkId, state: "created", revoked: issued.revoked },
    });
    await appendAudit(sql, {
      actor: opts.actor,
      action: "link.reissued",
      subject: issued.link.linkId,
      detail: { linkId: issued.link.linkId, revoked: issued.revoked, runId, step: old.step },
    });
    return issued;
  });

  const address = await caps.oneTimeLinks.address(link.linkId);
  const mail = welcomeMail(p, to, address, {
    runStartAt: run.startAt,
    idempotencyKey: `${runId}:${welcome.key}:${link.linkId}`,
    reissued: true,
  });
  try {
    if (address.kind !== "ready") throw conflict(address.reason);
    await caps.mailSender.send(p.from, mail);
  } catch (err) {
    await appendEvent(store, {
      runId,
      actionKey: old.step,
      type: "link.unsent",
      outcome: "failed",
      message: `the new one-time link ${link.linkId} was not sent: ${toFailure(err).message}`,
      detail: { linkId: link.linkId, state: "created" },
    });
    throw err;
  }
  await appendEvent(store, {
    runId,
    actionKey: old.step,
    type: "link.sent",
    outcome: "created",
    message: `one-time link ${link.linkId} sent to ${to.join(", ")}`,
    detail: { linkId: link.linkId, state: "created", sentTo: to },
  });
  const now = (await linksOfRun(store, runId)).find((l) => l.linkId === link.linkId);
  if (!now) throw new Error(`one-time link ${link.linkId} vanished after it was issued`);
  return { revoked, link: now, sentTo: to, dropped };
}
