import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useEffect, useRef, useState } from "react";
import { ApiFailure, api, unwrap } from "../../api/client";
import { Button } from "../../ui/Button";
import { ErrorNote } from "../../ui/ErrorNote";
import { Field } from "../../ui/Field";
import { WorkflowEditor } from "./ClientEditorWorkflow";
import { FormLinks } from "./FormLinks";
import "./ClientEditor.css";

/** The configuration as the API answers it; the editor changes the fields it knows and keeps the rest. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a whole config travels as JSON
type Config = Record<string, any>;
type FieldErrors = { field: string; message: string }[];

/** The error for a field, or for anything inside it (`domains` shows `domains.1`'s). */
function errorFor(errors: FieldErrors, path: string): string | undefined {
  const hits = errors.filter((e) => e.field === path || e.field.startsWith(`${path}.`));
  if (!hits.length) return undefined;
  return hits
    .map((e) => (e.field === path ? e.message : `${e.field.slice(path.length + 1)}: ${e.message}`))
    .join("; ");
}

const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
const items = (text: string) =>
  text
    .split(",")
    .map((l) => l.trim())
    .filter(Boolean);

function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setCurrent(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return current;
}

function UsernamePreview({
  clientId,
  format,
}: {
  clientId: string;
  format: { pattern: string; collision: string };
}) {
  const [firstName, setFirst] = useState("Sarah");
  const [lastName, setLast] = useState("Johnson");
  const asked = useDebounced({ firstName, lastName, format }, 250);
  const preview = useQuery({
    queryKey: ["username-preview", clientId, asked],
    enabled: Boolean(asked.firstName.trim() && asked.lastName.trim()),
    retry: false,
    placeholderData: (previous) => previous,
    queryFn: () =>
      unwrap(
        api.POST("/api/username-preview", {
          body: {
            clientId,
            firstName: asked.firstName,
            lastName: asked.lastName,
            format: asked.format as { pattern: string; collision: "numeric-suffix" | "middle-initial" },
          },
        }),
      ),
  });
  const failure = preview.error instanceof ApiFailure ? preview.error : undefined;
  return (
    <div className="preview panel" aria-label="Username preview">
      <div className="row">
        <Field label="Sample first name">
          <input value={firstName} onChange={(e) => setFirst(e.target.value)} />
        </Field>
        <Field label="Sample last name">
          <input value={lastName} onChange={(e) => setLast(e.target.value)} />
        </Field>
      </div>
      <p role="status" aria-live="polite">
        {preview.error ? (
          <span className="error">
            No username:{" "}
            {failure?.fields.map((f) => f.message).join("; ") || (preview.error as Error).message}
          </span>
        ) : preview.data ? (
          <>
            Username{" "}
            <strong className="mono" data-testid="username-preview">
              {preview.data.username}
            </strong>
            {preview.data.upn ? (
              <>
                {" "}
                (<span className="mono">{preview.data.upn}</span>)
              </>
            ) : null}
            <br />
            <span className="muted">{preview.data.rule}</span>
          </>
        ) : (
          <span className="muted">Type a name to see its username.</span>
        )}
      </p>
    </div>
  );
}

/** A map of names to lists (role → licences, department → groups), one row each. */
function MapEditor({
  label,
  keyLabel,
  valueLabel,
  value,
  onChange,
  error,
}: {
  label: string;
  keyLabel: string;
  valueLabel: string;
  value: Record<string, string[]>;
  onChange: (next: Record<string, string[]>) => void;
  error?: string | undefined;
}) {
  // Rows keep their text while typed, so a half-typed list is not rewritten under the cursor.
  const [rows, setRows] = useState(() =>
    Object.entries(value).map(([k, v]) => ({ key: k, values: v.join(", ") })),
  );
  const emit = (next: typeof rows) => {
    setRows(next);
    onChange(
      Object.fromEntries(
        next.filter((r) => r.key.trim() || r.values.trim()).map((r) => [r.key, items(r.values)]),
      ),
    );
  };
  return (
    <fieldset className="map-editor">
      <legend>{label}</legend>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{keyLabel}</th>
            <th scope="col">{valueLabel} (comma-separated)</th>
            <th scope="col">
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              <td>
                <input
                  aria-label={`${keyLabel} ${i + 1}`}
                  value={row.key}
                  onChange={(e) => emit(rows.map((r, j) => (j === i ? { ...r, key: e.target.value } : r)))}
                />
              </td>
              <td>
                <input
                  className="wide"
                  aria-label={`${valueLabel} of ${row.key || `${keyLabel} ${i + 1}`}`}
                  value={row.values}
                  onChange={(e) => emit(rows.map((r, j) => (j === i ? { ...r, values: e.target.value } : r)))}
                />
              </td>
              <td>
                <Button
                  variant="secondary"
                  aria-label={`Remove ${row.key || `row ${i + 1}`}`}
                  onClick={() => emit(rows.filter((_, j) => j !== i))}
                >
                  Remove
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Button variant="secondary" onClick={() => setRows([...rows, { key: "", values: "" }])}>
        Add {keyLabel.toLowerCase()}
      </Button>
    </fieldset>
  );
}

interface TestResult {
  ok: boolean;
  latencyMs: number;
  error?: {
    code: string;
    message: string;
    vendorCode: string | null;
    status: number | null;
    requestId: string | null;
  };
}

function TestConnection({ clientId, system, dirty }: { clientId: string; system: string; dirty: boolean }) {
  const test = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/clients/{id}/systems/{name}/test", {
          params: { path: { id: clientId, name: system } },
          body: {},
        }),
      ) as Promise<TestResult>,
  });
  const r = test.data;
  return (
    <div>
      <Button
        variant="secondary"
        onClick={() => test.mutate()}
        disabled={test.isPending}
        aria-label={`Test connection to ${system}`}
      >
        {test.isPending ? "Testing…" : "Test connection"}
      </Button>
      {dirty ? <span className="muted"> (tests the saved configuration)</span> : null}
      <div role="status" aria-live="polite">
        {r ? (
          r.ok ? (
            <span className="badge ok">connected in {Math.round(r.latencyMs)} ms</span>
          ) : (
            <span className="error">
              Failed: {r.error?.message} <span className="mono">{r.error?.code}</span>
              {r.error?.vendorCode ? (
                <>
                  {" "}
                  · vendor code <span className="mono">{r.error.vendorCode}</span>
                </>
              ) : null}
              {r.error?.status ? <> · HTTP {r.error.status}</> : null}
              {r.error?.requestId ? (
                <>
                  {" "}
                  · request id <span className="mono">{r.error.requestId}</span>
                </>
              ) : null}
              {` · ${Math.round(r.latencyMs)} ms`}
            </span>
          )
        ) : null}
        {test.error ? <ErrorNote error={test.error} /> : null}
      </div>
    </div>
  );
}

const policies = ["none", "manager", "technician"] as const;

function ApprovalSelect({
  label,
  value,
  onChange,
  error,
}: {
  label: string;
  value: unknown;
  onChange: (v: unknown) => void;
  error?: string | undefined;
}) {
  const custom = typeof value !== "string";
  return (
    <Field
      label={label}
      error={error}
      help={custom ? `Approvers: ${JSON.stringify((value as { approvers?: unknown }).approvers)}` : undefined}
    >
      <select value={custom ? "custom" : (value as string)} onChange={(e) => onChange(e.target.value)}>
        {policies.map((p) => (
          <option key={p} value={p}>
            {p === "none"
              ? "No approval"
              : p === "manager"
                ? "The person's manager"
                : "MSP staff (technician)"}
          </option>
        ))}
        {custom ? <option value="custom">Named approvers (as configured)</option> : null}
      </select>
    </Field>
  );
}

export function ClientEditor({ clientId }: { clientId: string }) {
  const loaded = useQuery({
    queryKey: ["client", clientId],
    queryFn: () =>
      unwrap(api.GET("/api/clients/{id}", { params: { path: { id: clientId } } })) as Promise<Config>,
  });
  if (loaded.error) return <ErrorNote error={loaded.error} />;
  if (!loaded.data) return <p className="muted">Loading…</p>;
  return <ClientForm clientId={clientId} loaded={loaded.data} />;
}

function ClientForm({ clientId, loaded: initial }: { clientId: string; loaded: Config }) {
  const queryClient = useQueryClient();
  const [loaded, setLoaded] = useState<Config>(initial);
  const credentials = useQuery({
    queryKey: ["credentials"],
    queryFn: () => unwrap(api.GET("/api/credentials")),
    retry: false,
  });
  const [draft, setDraft] = useState<Config>(() => structuredClone(initial));
  const [version, setVersion] = useState(0);
  const [errors, setErrors] = useState<FieldErrors>([]);
  const [note, setNote] = useState<string>();
  const formRef = useRef<HTMLFormElement>(null);
  // A refused save takes the keyboard to the first field it names, where its error is read out with it.
  useEffect(() => {
    if (errors.length) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  const save = useMutation({
    mutationFn: (config: Config) =>
      unwrap(
        api.PUT("/api/clients/{id}", { params: { path: { id: clientId } }, body: config as never }),
      ) as Promise<Config>,
    onMutate: () => {
      setErrors([]);
      setNote(undefined);
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(["client", clientId], saved);
      setLoaded(saved);
      void queryClient.invalidateQueries({ queryKey: ["clients"] });
      setDraft(structuredClone(saved));
      setVersion((v) => v + 1);
      setNote("Saved. The next request and step use it.");
    },
    onError: (e) => {
      if (e instanceof ApiFailure) setErrors(e.fields);
    },
  });

  const set = (patch: Config) => {
    setDraft({ ...draft, ...patch });
    setNote(undefined);
  };
  const dirty = JSON.stringify(draft) !== JSON.stringify(loaded);
  const err = (path: string) => errorFor(errors, path);
  const placed = [
    "displayName",
    "domains",
    "timeZone",
    "usageLocation",
    "usernameFormat",
    "licensesByRole",
    "groupsByDepartment",
    "offboardingDefaults",
    "approval",
    "systems",
  ];
  const elsewhere = errors.filter((e) => !placed.some((p) => e.field === p || e.field.startsWith(`${p}.`)));
  const systems = Object.entries((draft.systems ?? {}) as Record<string, Config>);
  const offboarding = Object.entries((draft.offboardingDefaults ?? {}) as Record<string, unknown>);
  const saveBar = (
    <div className="row save-bar">
      <Button onClick={() => save.mutate(draft)} disabled={save.isPending || !dirty}>
        {save.isPending ? "Saving…" : "Save configuration"}
      </Button>
      <Button
        variant="secondary"
        disabled={!dirty}
        onClick={() => {
          setDraft(structuredClone(loaded));
          setVersion((v) => v + 1);
          setErrors([]);
        }}
      >
        Discard changes
      </Button>
      <span role="status" className="muted">
        {note ?? (dirty ? "Unsaved changes" : "")}
      </span>
    </div>
  );

  return (
    <div className="client-editor">
      <p>
        <Link to="/clients">← Clients</Link>
      </p>
      <h1>
        {loaded.displayName} <span className="muted mono">{clientId}</span>
      </h1>
      {save.error ? (
        <div className="alert" role="alert">
          <strong>Not saved: {(save.error as Error).message}</strong>
          {save.error instanceof ApiFailure ? <span className="muted mono"> {save.error.code}</span> : null}
          <p>Nothing was changed. Each problem is shown next to its field.</p>
          {elsewhere.length ? (
            <ul>
              {elsewhere.map((e) => (
                <li key={e.field + e.message}>
                  <span className="mono">{e.field}</span>: {e.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      <form
        ref={formRef}
        key={version}
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(draft);
        }}
      >
        <section className="panel" aria-labelledby="general">
          <h2 id="general">General</h2>
          <div className="grid">
            <Field label="Display name" error={err("displayName")} required>
              <input value={draft.displayName ?? ""} onChange={(e) => set({ displayName: e.target.value })} />
            </Field>
            <Field label="Time zone" help='IANA, e.g. "Europe/Berlin"' error={err("timeZone")} required>
              <input value={draft.timeZone ?? ""} onChange={(e) => set({ timeZone: e.target.value })} />
            </Field>
            <Field
              label="Usage location"
              help="ISO country code, e.g. US"
              error={err("usageLocation")}
              required
            >
              <input
                value={draft.usageLocation ?? ""}
                onChange={(e) => set({ usageLocation: e.target.value })}
              />
            </Field>
          </div>
          <Field
            label="Domains"
            help="One a line; the first is the default for new users"
            error={err("domains")}
            required
          >
            <textarea
              rows={3}
              defaultValue={(draft.domains as string[]).join("\n")}
              onChange={(e) => set({ domains: lines(e.target.value) })}
            />
          </Field>
        </section>

        <section className="panel" aria-labelledby="username">
          <h2 id="username">Username format</h2>
          <div className="grid">
            <Field
              label="Username pattern"
              help="{first}, {last}, {f}, {l}, {middle}, {m}; e.g. {first}.{last}"
              error={err("usernameFormat.pattern") ?? err("usernameFormat")}
            >
              <input
                value={draft.usernameFormat?.pattern ?? ""}
                onChange={(e) =>
                  set({ usernameFormat: { ...draft.usernameFormat, pattern: e.target.value } })
                }
              />
            </Field>
            <Field label="When taken" error={err("usernameFormat.collision")}>
              <select
                value={draft.usernameFormat?.collision ?? "numeric-suffix"}
                onChange={(e) =>
                  set({ usernameFormat: { ...draft.usernameFormat, collision: e.target.value } })
                }
              >
                <option value="numeric-suffix">Add a number (jane.doe2)</option>
                <option value="middle-initial">Middle initial first (jane.q.doe)</option>
              </select>
            </Field>
          </div>
          <UsernamePreview
            clientId={clientId}
            format={{
              pattern: draft.usernameFormat?.pattern ?? "",
              collision: draft.usernameFormat?.collision ?? "numeric-suffix",
            }}
          />
        </section>

        <section className="panel" aria-labelledby="maps">
          <h2 id="maps">Licences and groups</h2>
          <MapEditor
            label="Licences by role"
            keyLabel="Role"
            valueLabel="Licence SKUs"
            value={draft.licensesByRole ?? {}}
            onChange={(v) => set({ licensesByRole: v })}
            error={err("licensesByRole")}
          />
          <MapEditor
            label="Groups by department"
            keyLabel="Department"
            valueLabel="Groups"
            value={draft.groupsByDepartment ?? {}}
            onChange={(v) => set({ groupsByDepartment: v })}
            error={err("groupsByDepartment")}
          />
        </section>

        <section className="panel" aria-labelledby="offboarding">
          <h2 id="offboarding">Offboarding defaults</h2>
          <p className="muted">What the offboarding form ticks unless the requester changes it.</p>
          <div className="checks">
            {offboarding
              .filter(([, v]) => typeof v === "boolean")
              .map(([key, v]) => {
                const e = err(`offboardingDefaults.${key}`);
                return (
                  <div key={key} className="check">
                    <label>
                      <input
                        type="checkbox"
                        checked={v as boolean}
                        aria-invalid={e ? true : undefined}
                        aria-describedby={e ? `offboarding-${key}-error` : undefined}
                        onChange={(ev) =>
                          set({
                            offboardingDefaults: { ...draft.offboardingDefaults, [key]: ev.target.checked },
                          })
                        }
                      />{" "}
                      {key.replace(/([A-Z])/g, " $1").toLowerCase()}
                    </label>
                    {e ? (
                      <span className="error" role="alert" id={`offboarding-${key}-error`}>
                        {" "}
                        {e}
                      </span>
                    ) : null}
                  </div>
                );
              })}
          </div>
          <Field label="Devices" error={err("offboardingDefaults.wipeDevices")}>
            <select
              value={draft.offboardingDefaults?.wipeDevices ?? "none"}
              onChange={(e) =>
                set({ offboardingDefaults: { ...draft.offboardingDefaults, wipeDevices: e.target.value } })
              }
            >
              <option value="none">Leave devices</option>
              <option value="retire">Retire (remove company data)</option>
              <option value="wipe">Wipe</option>
            </select>
          </Field>
        </section>

        <section className="panel" aria-labelledby="approval">
          <h2 id="approval">Approval policy</h2>
          <div className="grid">
            <ApprovalSelect
              label="Onboarding approved by"
              value={draft.approval?.onboarding ?? "none"}
              error={err("approval.onboarding")}
              onChange={(v) => set({ approval: { ...draft.approval, onboarding: v } })}
            />
            <ApprovalSelect
              label="Offboarding approved by"
              value={draft.approval?.offboarding ?? "none"}
              error={err("approval.offboarding")}
              onChange={(v) => set({ approval: { ...draft.approval, offboarding: v } })}
            />
            <Field label="Approval expires after (hours)" error={err("approval.expiresAfterHours")}>
              <input
                type="number"
                min={1}
                max={720}
                value={draft.approval?.expiresAfterHours ?? 72}
                onChange={(e) =>
                  set({ approval: { ...draft.approval, expiresAfterHours: Number(e.target.value) } })
                }
              />
            </Field>
          </div>
        </section>

        <section className="panel" aria-labelledby="systems">
          <h2 id="systems">Systems and credentials</h2>
          <p className="muted">
            Credentials are references into the credential store (
            <span className="mono">lifecycle credentials set</span>
            ); no secret is shown or kept here.
          </p>
          {err("systems") && !systems.some(([n]) => err(`systems.${n}`)) ? (
            <p className="error" role="alert">
              {err("systems")}
            </p>
          ) : null}
          {systems.length === 0 ? <p className="muted">No systems connected.</p> : null}
          <datalist id="credential-refs">
            {(credentials.data ?? []).map((c) => (
              <option key={c.ref} value={c.ref}>
                {c.kind}
              </option>
            ))}
          </datalist>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">System</th>
                <th scope="col">Connector</th>
                <th scope="col">Credential reference</th>
                <th scope="col">Connection</th>
              </tr>
            </thead>
            <tbody>
              {systems.map(([name, system]) => {
                const e = err(`systems.${name}`);
                const refError = err(`systems.${name}.credential`);
                return (
                  <tr key={name}>
                    <th scope="row" className="mono">
                      {name}
                    </th>
                    <td className="mono">{system.connector}</td>
                    <td>
                      <input
                        list="credential-refs"
                        aria-label={`Credential reference of ${name}`}
                        aria-invalid={refError ? true : undefined}
                        value={system.credential ?? ""}
                        onChange={(ev) =>
                          set({
                            systems: {
                              ...draft.systems,
                              [name]: { ...system, credential: ev.target.value || undefined },
                            },
                          })
                        }
                      />
                      {e ? (
                        <span className="error" role="alert">
                          {" "}
                          {e}
                        </span>
                      ) : null}
                    </td>
                    <td>
                      <TestConnection clientId={clientId} system={name} dirty={dirty} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
        {saveBar}
      </form>

      <section className="panel" aria-labelledby="workflows">
        <h2 id="workflows">Workflows</h2>
        <WorkflowEditor clientId={clientId} />
      </section>

      <section className="panel" aria-labelledby="form-links">
        <h2 id="form-links">Form links</h2>
        <FormLinks clientId={clientId} />
      </section>
    </div>
  );
}
