import { Button } from "../ui/Button";
import { ErrorNote } from "../ui/ErrorNote";
import type { Preview, PublicForm } from "./api";
import type { FieldDescription } from "./model";

function labelOf(fields: FieldDescription[], path: string): string {
  const [top, sub] = path.split(".");
  const f = fields.find((x) => x.key === top);
  if (!f) return path;
  const s = sub ? f.fields?.find((x) => x.key === sub) : undefined;
  return s ? `${f.label}: ${s.label}` : f.label;
}

function shown(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(shown).join(", ");
  return JSON.stringify(value);
}

/** The dry run: every step that would run with what it would set, and what the pre-flight found. */
export function PlanPreview({
  view,
  preview,
  busy,
  failure,
  onBack,
  onSubmit,
}: {
  view: PublicForm;
  preview: Preview;
  busy: boolean;
  failure: unknown;
  onBack: () => void;
  onSubmit: () => void;
}) {
  const fields = view.form.fields as FieldDescription[];
  const errors = preview.findings.filter((f) => f.severity === "error");
  const others = preview.findings.filter((f) => f.severity !== "error");
  const approval = preview.plan.approval;
  return (
    <section aria-labelledby="review-title">
      <h2 id="review-title" tabIndex={-1} ref={(el) => el?.focus()}>
        Review: what will change
      </h2>
      {errors.length ? (
        <div className="alert" role="alert">
          <strong>This request cannot be submitted yet:</strong>
          <ul>
            {errors.map((f) => (
              <li key={f.field + f.message}>
                <strong>{labelOf(fields, f.field)}</strong> {f.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {others.length ? (
        <div className="alert info">
          <ul>
            {others.map((f) => (
              <li key={f.field + f.message}>
                <span className={`badge ${f.severity === "warning" ? "warn" : "info"}`}>{f.severity}</span>{" "}
                <strong>{labelOf(fields, f.field)}</strong> {f.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {approval ? (
        <p>
          <strong>Needs approval</strong> by {approval.who} before anything runs.
        </p>
      ) : null}
      <ol className="plan" aria-label="Steps">
        {preview.plan.actions.map((a) => {
          const params = Object.entries(a.params).filter(
            ([, v]) => v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && !v.length),
          );
          return (
            <li key={a.key}>
              <span className="step-title">{a.title}</span>
              {!a.required ? <span className="muted"> (optional)</span> : null}
              {params.length ? (
                <dl>
                  {params.slice(0, 8).map(([k, v]) => (
                    <div key={k}>
                      <dt>{k}</dt>
                      <dd>{shown(v)}</dd>
                    </div>
                  ))}
                </dl>
              ) : null}
            </li>
          );
        })}
      </ol>
      <ErrorNote error={failure} />
      <div className="actions">
        <Button variant="secondary" onClick={onBack} disabled={busy}>
          Back to the form
        </Button>
        <Button onClick={onSubmit} disabled={busy || errors.length > 0}>
          {busy ? "Submitting…" : "Submit"}
        </Button>
      </div>
    </section>
  );
}
