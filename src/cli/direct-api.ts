import { randomUUID } from "node:crypto";
import type { KeySource } from "../credentials/keys.ts";
import { listCredentials, removeCredential, setCredential } from "../credentials/repo.ts";
import { LifecycleError, type ErrorKind } from "../domain/errors.ts";
import { followRun } from "../engine/follow.ts";
import { getRun, listRuns } from "../engine/read.ts";
import { cancelRun, retryFailed, signalRun } from "../engine/runs.ts";
import { credentialKinds } from "../composition/credential-kinds.ts";
import { submitRequest, type SubmitOptions } from "../composition/submit.ts";
import { approveBatch, batchView, rejectBatch, submitBatch, uploadBatch } from "../composition/bulk.ts";
import { parseClient, reissueRunLink, runLinks, type PortsResolver } from "../composition/index.ts";
import {
  checkClientWorkflow,
  clientWorkflowHistory,
  loadClientOverlay,
  loadClientWorkflow,
  saveClientWorkflow,
  savedOverlayView,
  workflowView,
} from "../composition/index.ts";
import type { Result } from "../domain/result.ts";
import { buildReport, renderHtml, renderPdf } from "../evidence/index.ts";
import { getClient, listClients, saveClient } from "../store/clients-repo.ts";
import { advanceCheckpoint, keptCheckpoint } from "../store/audit/anchor.ts";
import { takeCheckpoint } from "../store/audit/checkpoint.ts";
import { verifyAudit } from "../store/audit/verify.ts";
import type { Store } from "../store/sql.ts";
import {
  createAccount,
  createToken,
  disableAccount,
  listAccounts,
  listTokens,
  localOperator,
  revokeToken,
  signInLinkFor,
} from "../staff/index.ts";
import { CliError, exitCodes, type LifecycleApi } from "./api.ts";

const codeFor: Partial<Record<ErrorKind, number>> = {
  invalid: exitCodes.invalid,
  "not-found": exitCodes.notFound,
  conflict: exitCodes.conflict,
  permission: exitCodes.forbidden,
};

async function mapped<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof LifecycleError)
      throw new CliError(err.message, codeFor[err.failure.kind] ?? exitCodes.internal);
    throw err;
  }
}

/** An unknown client or version is "not found"; any other error names the overlay's fields. */
function unwrap<T>(r: Result<T>, invalid: string): T {
  if (r.ok) return r.value;
  const missing = r.errors.find((e) => e.field === "client" || e.field === "version");
  if (missing) throw new CliError(missing.message, exitCodes.notFound);
  // A saved version that no longer applies is the store's state, as the API answers it (409).
  const stale = r.errors.every((e) => e.field.startsWith("workflow."));
  throw new CliError(invalid, stale ? exitCodes.conflict : exitCodes.invalid, r.errors);
}

function valid<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw new CliError("the request is not valid", exitCodes.invalid, r.errors);
}

/** Without a server there is no address yet: the link is its path, for the server's address to go before. */
async function linkPathOn(store: Store, email: string, actor: string): Promise<string> {
  const token = await signInLinkFor(store, email, actor);
  if (!token) throw new CliError(`no enabled staff account "${email}"`, exitCodes.notFound);
  return `/sign-in/${token}`;
}

/** The CLI working on a store it opened itself; `live` answers the planner's and pre-flight's reads. */
export function directApi(
  store: Store,
  opts: {
    keys?: KeySource;
    live?: SubmitOptions["live"];
    /** The clients' systems, for what the CLI sends itself (a re-issued one-time link). */
    ports?: PortsResolver;
    /** The data folder's audit checkpoint: verified against, and moved on when this process is its keeper. */
    audit?: { checkpointFile: string; keeper: boolean };
    beforeClose?: () => Promise<void>;
    afterClose?: () => void;
  } = {},
): LifecycleApi {
  const keys: KeySource = () => {
    if (!opts.keys)
      throw new CliError("this connection has no master key to seal secrets with", exitCodes.invalid);
    return opts.keys();
  };
  const kept = () => (opts.audit ? keptCheckpoint(opts.audit.checkpointFile) : []);
  const linkPath = (email: string, actor: string) => linkPathOn(store, email, actor);
  return {
    listClients: () => listClients(store),
    async getClient(id) {
      const c = await getClient(store, id);
      if (!c) throw new CliError(`unknown client "${id}"`, exitCodes.notFound);
      return c;
    },
    async saveClient(config, actor) {
      // Checked here as the server's route checks it, whatever the caller did first.
      const parsed = valid(parseClient(config));
      const { created } = await saveClient(store, parsed, actor);
      return { created, client: parsed };
    },
    async submit(kind, body, dryRun) {
      const res = await submitRequest(store, kind, body, {
        actor: String(body.requester ?? "cli"),
        dryRun,
        live: opts.live,
        idempotencyKey: randomUUID(),
      });
      if (!res.ok)
        throw new CliError(
          `the ${kind === "onboard" ? "onboarding" : "offboarding"} request is not valid`,
          exitCodes.invalid,
          res.errors,
        );
      return res.value;
    },
    listRuns: (filter) => listRuns(store, filter),
    getRun: (id) => mapped(getRun(store, id)),
    cancel: async (id, actor, reason) => {
      await mapped(cancelRun(store, id, actor, reason));
      return getRun(store, id);
    },
    retry: async (id, actor) => {
      await mapped(retryFailed(store, id, actor));
      return getRun(store, id);
    },
    // The store opened directly is the operator's on this machine: the approver is that staff account.
    approve: async (id, planHash, note) => {
      const by = { kind: "staff" as const, principal: await localOperator(store) };
      await mapped(signalRun(store, id, { kind: "approve", by, planHash, note }));
      return getRun(store, id);
    },
    reject: async (id, note) => {
      const by = { kind: "staff" as const, principal: await localOperator(store) };
      await mapped(signalRun(store, id, { kind: "reject", by, note }));
      return getRun(store, id);
    },
    // As for an approval, this machine's operator is who uploads and submits.
    async bulkUpload(kind, clientId, csv) {
      const made = await mapped(
        uploadBatch(store, kind, clientId, csv, await localOperator(store), {
          ...(opts.live ? { live: opts.live } : {}),
        }),
      );
      if (made.ok) return made.value;
      throw new CliError("the file cannot be read as requests", exitCodes.invalid, made.errors);
    },
    async bulkSubmit(batchId, exclude) {
      const sent = await mapped(
        submitBatch(store, batchId, exclude, await localOperator(store), {
          ...(opts.live ? { live: opts.live } : {}),
        }),
      );
      if (sent.ok) return sent.value;
      throw new CliError("the batch cannot be submitted", exitCodes.invalid, sent.errors);
    },
    bulkApprove: async (batchId, planHash, note) =>
      mapped(approveBatch(store, batchId, { planHash, note }, await localOperator(store))),
    bulkReject: async (batchId, note) =>
      mapped(rejectBatch(store, batchId, { note }, await localOperator(store))),
    bulkBatch: (batchId) => mapped(batchView(store, batchId)),
    links: (id) => mapped(runLinks(store, id)),
    reissueLink(id, actor, step) {
      const ports = opts.ports;
      if (!ports)
        throw new CliError("this connection has no client systems to send a link with", exitCodes.invalid);
      return mapped(reissueRunLink(store, { keys, ports }, id, { actor, step }));
    },
    async setCredential(ref, kind, value, actor) {
      const res = await mapped(setCredential(store, keys, credentialKinds, { ref, kind, value, actor }));
      if (!res.ok)
        throw new CliError(
          `credential ${ref} is not valid; nothing was stored`,
          exitCodes.invalid,
          res.errors,
        );
      return res.value;
    },
    listCredentials: () => listCredentials(store),
    async removeCredential(ref, actor) {
      if (!(await removeCredential(store, ref, actor)))
        throw new CliError(`no credential "${ref}"`, exitCodes.notFound);
    },
    async workflow(clientId, kind, version) {
      const w = await loadClientWorkflow(store, clientId, kind, { version });
      return workflowView(unwrap(w, `the saved ${kind} workflow of ${clientId} no longer applies`));
    },
    async workflowOverlay(clientId, kind, version) {
      return savedOverlayView(unwrap(await loadClientOverlay(store, clientId, kind, { version }), ""));
    },
    async saveWorkflow(clientId, kind, overlay, actor) {
      const saved = await saveClientWorkflow(store, { clientId, kind, input: overlay, actor });
      return workflowView(unwrap(saved, `the ${kind} workflow is not valid; nothing was saved`));
    },
    async checkWorkflow(clientId, kind, overlay) {
      const res = await checkClientWorkflow(store, { clientId, kind, input: overlay });
      if (res.ok) return { valid: true, errors: [], definition: res.value.definition };
      if (res.errors.some((e) => e.field === "client")) unwrap(res, "");
      return { valid: false, errors: res.errors };
    },
    workflowHistory: async (clientId, kind) => unwrap(await clientWorkflowHistory(store, clientId, kind), ""),
    async runReport(id, format) {
      const report = await mapped(buildReport(store, id));
      if (format === "pdf") return renderPdf(report);
      return Buffer.from(format === "html" ? renderHtml(report) : `${JSON.stringify(report, null, 2)}\n`);
    },
    verifyAudit: (checkpoint) =>
      mapped(verifyAudit(store, [...kept(), ...(checkpoint ? [{ source: "given", checkpoint }] : [])])),
    async auditCheckpoint() {
      const checkpoint = await mapped(takeCheckpoint(store));
      if (opts.audit?.keeper) await advanceCheckpoint(store, opts.audit.checkpointFile, checkpoint);
      return checkpoint;
    },
    follow: (id, onEvent) => followRun(store, id, onEvent),
    listStaff: () => listAccounts(store),
    async addStaff(input) {
      const operator = await localOperator(store);
      const account = valid(await createAccount(store, input, operator.email));
      return { account, signInLink: await linkPath(account.email, operator.email) };
    },
    async disableStaff(email) {
      valid(await disableAccount(store, email, (await localOperator(store)).email));
      const found = (await listAccounts(store)).find((a) => a.email === email.trim().toLowerCase());
      if (!found) throw new CliError(`no staff account "${email}"`, exitCodes.notFound);
      return found;
    },
    staffSignInLink: async (email) => linkPath(email, (await localOperator(store)).email),
    createToken: async (input) => valid(await createToken(store, await localOperator(store), input)),
    listTokens: async (all) => listTokens(store, all ? undefined : (await localOperator(store)).accountId),
    async revokeToken(id) {
      const done = await revokeToken(store, await localOperator(store), id);
      if (!done.ok) throw new CliError(done.errors[0]!.message, exitCodes.notFound);
      return done.value;
    },
    close: async () => {
      await opts.beforeClose?.();
      // Entries this process wrote move the kept checkpoint on, as a server's would after each one.
      if (opts.audit?.keeper) await advanceCheckpoint(store, opts.audit.checkpointFile);
      await store.close();
      opts.afterClose?.();
    },
  };
}
