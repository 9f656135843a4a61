import { randomUUID } from "node:crypto";
import type { Submission } from "../composition/submit.ts";
import type { ClientConfig } from "../domain/client.ts";
import type { FieldError } from "../domain/result.ts";
import type { RunEvent } from "../engine/events.ts";
import { errorCatalogue, type ErrorCode } from "../server/errors.ts";
import { CliError, exitCodes, type LifecycleApi } from "./api.ts";

const dateKeys = new Set([
  "at",
  "startAt",
  "createdAt",
  "finishedAt",
  "startedAt",
  "runAt",
  "updatedAt",
  "savedAt",
  "expiresAt",
  "viewedAt",
]);

/** JSON carries instants as strings; the CLI's types say Date, so they are revived on the way in. */
function revive(_key: string, value: unknown): unknown {
  return typeof value === "string" && dateKeys.has(_key) && /^\d{4}-\d{2}-\d{2}T/.test(value)
    ? new Date(value)
    : value;
}

function failed(method: string, path: string, status: number, parsed: unknown): CliError {
  const e = (parsed as { error?: { code?: string; message?: string; fields?: FieldError[] } } | undefined)
    ?.error;
  // The server's own code is passed on as sent, so `--json` says what the API said.
  const code = e?.code && Object.hasOwn(errorCatalogue, e.code) ? (e.code as ErrorCode) : undefined;
  // The API's run routes call their path parameter `id`; the CLI's argument, like its output, is `runId`.
  const runPath = path.startsWith("/api/runs/");
  const fields = (e?.fields ?? []).map((f) => (runPath && f.field === "id" ? { ...f, field: "runId" } : f));
  return new CliError(
    e?.message ?? `${method} ${path} answered ${status}`,
    exitForStatus(status),
    fields,
    code ?? (status === 401 ? "LC_ERR_UNAUTHENTICATED" : undefined),
  );
}

const exitForStatus = (status: number): number =>
  status === 400
    ? exitCodes.invalid
    : status === 404
      ? exitCodes.notFound
      : status === 409
        ? exitCodes.conflict
        : status === 403
          ? exitCodes.forbidden
          : status === 401
            ? exitCodes.invalid
            : exitCodes.internal;

/**
 * The CLI talking to a Lifecycle server with its token. The server names the actor from the token, so the
 * `actor` the in-process API takes is not sent.
 */
export function httpApi(baseUrl: string, token?: string): LifecycleApi {
  const base = baseUrl.replace(/\/+$/, "");
  const headers = (json: boolean): Record<string, string> => ({
    ...(json ? { "content-type": "application/json" } : {}),
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });
  /**
   * `dates: false` keeps instants as the strings sent, where they are signed (audit checkpoints); `extra`
   * adds headers (a submission's Idempotency-Key).
   */
  async function call<T>(
    method: string,
    path: string,
    body?: unknown,
    opts: {
      dates?: boolean;
      headers?: Record<string, string>;
      onStatus?: (status: number) => void;
      csv?: boolean;
    } = {},
  ): Promise<T> {
    const dates = opts.dates ?? true;
    const extra = opts.headers ?? {};
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: opts.csv
          ? { ...headers(false), "content-type": "text/csv; charset=utf-8", ...extra }
          : { ...headers(body !== undefined), ...extra },
        body: body === undefined ? undefined : opts.csv ? String(body) : JSON.stringify(body),
      });
    } catch (err) {
      throw new CliError(
        `cannot reach Lifecycle at ${base}: ${(err as Error).message}`,
        exitCodes.unavailable,
      );
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? (JSON.parse(text, dates ? revive : undefined) as unknown) : undefined;
    } catch {
      // Something other than Lifecycle answered (a proxy's error page): say so, not a JSON parser's stack.
      if (res.ok)
        throw new CliError(
          `${method} ${path} answered ${res.status} with something that is not JSON`,
          exitCodes.unavailable,
        );
      parsed = undefined;
    }
    if (!res.ok) throw failed(method, path, res.status, parsed);
    opts.onStatus?.(res.status);
    return parsed as T;
  }
  /** A GET whose answer is a document (a page, a PDF), kept as its bytes; errors still arrive as JSON. */
  async function bytes(path: string): Promise<Buffer> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { headers: headers(false) });
    } catch (err) {
      throw new CliError(
        `cannot reach Lifecycle at ${base}: ${(err as Error).message}`,
        exitCodes.unavailable,
      );
    }
    const body = Buffer.from(await res.arrayBuffer());
    if (res.ok) return body;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      parsed = undefined;
    }
    throw failed("GET", path, res.status, parsed);
  }
  const id = (runId: string) => encodeURIComponent(runId);
  const workflows = (clientId: string, kind: string) =>
    `/api/clients/${encodeURIComponent(clientId)}/workflows/${kind}`;
  return {
    listClients: () => call("GET", "/api/clients"),
    getClient: (cid) => call("GET", `/api/clients/${encodeURIComponent(cid)}`),
    async saveClient(config) {
      // The server answers 201 for a new client and 200 for a replaced one; both carry the config.
      let created = false;
      const client = await call<ClientConfig>("POST", "/api/clients", config, {
        onStatus: (s) => (created = s === 201),
      });
      return { created, client };
    },
    async submit(kind, body, dryRun) {
      const path = `/api/requests/${kind}${dryRun ? "?dryRun=true" : ""}`;
      // One key per invocation: a submission whose answer was lost on the way is sent once more with it,
      // and the server answers the run it made instead of making a second.
      const key = { "idempotency-key": randomUUID() };
      try {
        return await call<Submission>("POST", path, body, { headers: key });
      } catch (err) {
        if (!(err instanceof CliError) || err.exitCode !== exitCodes.unavailable) throw err;
        await new Promise((r) => setTimeout(r, 500));
        return call<Submission>("POST", path, body, { headers: key });
      }
    },
    listRuns: (f) => {
      const q = new URLSearchParams();
      if (f.clientId) q.set("client", f.clientId);
      if (f.status) q.set("status", f.status);
      if (f.limit) q.set("limit", String(f.limit));
      return call("GET", `/api/runs?${q.toString()}`);
    },
    getRun: (runId) => call("GET", `/api/runs/${id(runId)}`),
    cancel: (runId, _actor, reason) => call("POST", `/api/runs/${id(runId)}/cancel`, { reason }),
    retry: (runId) => call("POST", `/api/runs/${id(runId)}/retry`, {}),
    approve: (runId, planHash, note) => call("POST", `/api/runs/${id(runId)}/approve`, { planHash, note }),
    reject: (runId, note) => call("POST", `/api/runs/${id(runId)}/reject`, { note }),
    links: (runId) => call("GET", `/api/runs/${id(runId)}/links`),
    reissueLink: (runId, _actor, step) => call("POST", `/api/runs/${id(runId)}/links/reissue`, { step }),
    setCredential: (ref, kind, value) =>
      call("PUT", `/api/credentials/${encodeURIComponent(ref)}`, { kind, value }),
    listCredentials: () => call("GET", "/api/credentials"),
    async removeCredential(ref) {
      await call("DELETE", `/api/credentials/${encodeURIComponent(ref)}`);
    },
    workflow: (clientId, kind, version) =>
      call("GET", `${workflows(clientId, kind)}${version === undefined ? "" : `/versions/${version}`}`),
    workflowOverlay: (clientId, kind, version) =>
      call(
        "GET",
        `${workflows(clientId, kind)}${version === undefined ? "/overlay" : `/versions/${version}`}`,
      ),
    listStaff: () => call("GET", "/api/staff"),
    addStaff: (input) => call("POST", "/api/staff", input),
    disableStaff: (email) => call("POST", `/api/staff/${encodeURIComponent(email)}/disable`, {}),
    staffSignInLink: async (email) =>
      (await call<{ signInLink: string }>("POST", `/api/staff/${encodeURIComponent(email)}/sign-in-link`, {}))
        .signInLink,
    createToken: (input) => call("POST", "/api/auth/tokens", input),
    listTokens: (all) => call("GET", `/api/auth/tokens${all ? "?all=true" : ""}`),
    revokeToken: (tokenId) => call("DELETE", `/api/auth/tokens/${encodeURIComponent(tokenId)}`),
    saveWorkflow: (clientId, kind, overlay) => call("PUT", `${workflows(clientId, kind)}/overlay`, overlay),
    checkWorkflow: (clientId, kind, overlay) =>
      call("POST", `${workflows(clientId, kind)}/validate`, overlay),
    workflowHistory: (clientId, kind) => call("GET", `${workflows(clientId, kind)}/history`),
    verifyAudit: (checkpoint) => call("POST", "/api/audit/verify", { checkpoint }, { dates: false }),
    auditCheckpoint: () => call("POST", "/api/audit/checkpoint", {}, { dates: false }),
    runReport: (runId, format) => bytes(`/api/runs/${id(runId)}/report?format=${format}`),
    async follow(runId, onEvent) {
      const abort = new AbortController();
      const res = await fetch(`${base}/api/runs/${id(runId)}/stream`, {
        headers: headers(false),
        signal: abort.signal,
      });
      if (!res.ok || !res.body)
        throw new CliError(`cannot follow run ${runId}: ${res.status}`, exitForStatus(res.status));
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      const pump = (async () => {
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          let cut: number;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            const frame = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const data = frame
              .split("\n")
              .filter((l) => l.startsWith("data:"))
              .map((l) => l.slice(5).trimStart())
              .join("\n");
            if (data) onEvent(JSON.parse(data, revive) as RunEvent);
          }
        }
      })().catch((err: unknown) => {
        if (!abort.signal.aborted) throw err;
      });
      return async () => {
        abort.abort();
        await pump;
      };
    },
    bulkUpload: (kind, clientId, csv) =>
      call("POST", `/api/bulk/${kind}?client=${encodeURIComponent(clientId)}`, csv, { csv: true }),
    bulkSubmit: (batchId, exclude) => call("POST", `/api/bulk/${id(batchId)}/submit`, { exclude }),
    bulkApprove: (batchId, planHash, note) =>
      call("POST", `/api/bulk/${id(batchId)}/approve`, { planHash, note }),
    bulkReject: (batchId, note) => call("POST", `/api/bulk/${id(batchId)}/reject`, { note }),
    bulkBatch: (batchId) => call("GET", `/api/bulk/${id(batchId)}`),
    close: async () => undefined,
  };
}
