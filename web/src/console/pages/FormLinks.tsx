import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ApiFailure, api, unwrap } from "../../api/client";
import { Button } from "../../ui/Button";
import { ErrorNote } from "../../ui/ErrorNote";
import { Field } from "../../ui/Field";

type Kind = "onboard" | "offboard";

/** A client's form links: issue one (its address shown this once), list them, revoke one. */
export function FormLinks({ clientId }: { clientId: string }) {
  const queryClient = useQueryClient();
  const key = ["form-links", clientId];
  const links = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET("/api/clients/{id}/form-links", { params: { path: { id: clientId } } })),
  });
  const [kind, setKind] = useState<Kind>("onboard");
  const [label, setLabel] = useState("");
  const [days, setDays] = useState("30");
  const [copied, setCopied] = useState(false);
  const issue = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/clients/{id}/form-links", {
          params: { path: { id: clientId } },
          body: { kind, days: Number(days), ...(label.trim() ? { label: label.trim() } : {}) },
        }),
      ),
    onMutate: () => setCopied(false),
    onSuccess: () => {
      setLabel("");
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const revoke = useMutation({
    mutationFn: (linkId: string) =>
      unwrap(
        api.DELETE("/api/clients/{id}/form-links/{linkId}", { params: { path: { id: clientId, linkId } } }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }),
  });
  const fieldError = (name: string) =>
    issue.error instanceof ApiFailure ? issue.error.fields.find((f) => f.field === name)?.message : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    issue.mutate();
  };
  const made = issue.data;
  return (
    <div>
      <form className="row form-link-form" onSubmit={submit} aria-label="Issue a form link">
        <Field label="Form">
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            <option value="onboard">Onboarding (new starter)</option>
            <option value="offboard">Offboarding (leaver)</option>
          </select>
        </Field>
        <Field label="Label" help="Who the link is for, e.g. HR, Jane Roe" error={fieldError("label")}>
          <input value={label} onChange={(e) => setLabel(e.target.value)} />
        </Field>
        <Field label="Valid for (days)" error={fieldError("days")}>
          <input type="number" min={1} max={365} value={days} onChange={(e) => setDays(e.target.value)} />
        </Field>
        <Button type="submit" disabled={issue.isPending}>
          Issue link
        </Button>
      </form>
      {issue.error && !fieldError("label") && !fieldError("days") ? <ErrorNote error={issue.error} /> : null}
      {made ? (
        <div className="alert info" role="status">
          <p>
            <strong>The link is shown this once</strong>: copy it now and send it to the client. Lifecycle
            keeps only its hash.
          </p>
          <div className="row">
            <input
              className="mono wide"
              readOnly
              value={made.url}
              aria-label="New form link"
              onFocus={(e) => e.target.select()}
            />
            <Button
              variant="secondary"
              onClick={() => {
                void navigator.clipboard?.writeText(made.url).then(
                  () => setCopied(true),
                  () => setCopied(false),
                );
              }}
            >
              Copy link
            </Button>
            <span aria-live="polite">{copied ? "Copied" : ""}</span>
          </div>
        </div>
      ) : null}
      {links.error ? <ErrorNote error={links.error} /> : null}
      {revoke.error ? <ErrorNote error={revoke.error} /> : null}
      <table className="table" aria-label="Form links">
        <thead>
          <tr>
            <th scope="col">Form</th>
            <th scope="col">Label</th>
            <th scope="col">State</th>
            <th scope="col">Expires</th>
            <th scope="col">Made by</th>
            <th scope="col">
              <span className="sr-only">Revoke</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(links.data ?? []).length === 0 ? (
            <tr>
              <td colSpan={6} className="muted">
                No form links yet.
              </td>
            </tr>
          ) : null}
          {(links.data ?? []).map((link) => (
            <tr key={link.id}>
              <td>{link.kind === "onboard" ? "Onboarding" : "Offboarding"}</td>
              <td>{link.label ?? <span className="muted">none</span>}</td>
              <td>
                <span className={`badge ${link.state === "active" ? "ok" : "muted"}`}>{link.state}</span>
              </td>
              <td>{new Date(link.expiresAt).toLocaleString()}</td>
              <td>{link.createdBy}</td>
              <td>
                {link.state === "active" ? (
                  <Button
                    variant="danger"
                    disabled={revoke.isPending}
                    aria-label={`Revoke ${link.label ?? link.kind} link`}
                    onClick={() => revoke.mutate(link.id)}
                  >
                    Revoke
                  </Button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
