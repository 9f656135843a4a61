import { useState, type FormEvent } from "react";
import { Button } from "../../ui/Button";
import { Field } from "../../ui/Field";
import {
  addStep,
  canMove,
  errorsByStep,
  listSteps,
  moveStep,
  removeStep,
  restoreStep,
  setStepField,
  type FieldError,
  type Overlay,
  type Step,
} from "./ClientEditorOverlay";

const conditionHelp =
  'JSON, e.g. {"equals": ["${request.department}", "Sales"]}; also in, present, all, any, not, serves.';

function parseCondition(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (!text.trim()) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, message: `is not JSON: ${(e as Error).message}` };
  }
}

function ConditionEditor({
  step,
  onApply,
  onCancel,
}: {
  step: Step;
  onApply: (when: unknown) => void;
  onCancel: () => void;
}) {
  const [text, setText] = useState(step.when === undefined ? "" : JSON.stringify(step.when));
  const [error, setError] = useState<string>();
  return (
    <div className="step-condition">
      <Field label={`Condition of ${step.title}`} help={`${conditionHelp} Empty: always.`} error={error}>
        <textarea rows={2} value={text} onChange={(e) => setText(e.target.value)} />
      </Field>
      <div className="row">
        <Button
          onClick={() => {
            const parsed = parseCondition(text);
            if (!parsed.ok) setError(parsed.message);
            else onApply(parsed.value);
          }}
        >
          Apply condition
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </div>
  );
}

function AddStepForm({ onAdd, taken }: { onAdd: (step: Step) => void; taken: Set<string> }) {
  const [id, setId] = useState("");
  const [action, setAction] = useState("");
  const [title, setTitle] = useState("");
  const [after, setAfter] = useState("");
  const [when, setWhen] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!/^[a-z][a-z0-9-]{0,62}$/.test(id))
      found.id = "must be a step id: lowercase letters, digits and hyphens, starting with a letter";
    else if (taken.has(id)) found.id = `"${id}" is already a step of the workflow`;
    if (!action.trim()) found.action = "is required";
    if (!title.trim()) found.title = "is required";
    const condition = parseCondition(when);
    if (!condition.ok) found.when = condition.message;
    setErrors(found);
    if (Object.keys(found).length || !condition.ok) return;
    const afterList = after.trim() === "all" ? "all" : after.split(/[\s,]+/).filter(Boolean);
    onAdd({
      id,
      action: action.trim(),
      title: title.trim(),
      after: afterList,
      ...(condition.value === undefined ? {} : { when: condition.value }),
    });
    setId("");
    setAction("");
    setTitle("");
    setAfter("");
    setWhen("");
  };
  return (
    <form className="panel add-step" onSubmit={submit} aria-label="Add a step">
      <h4>Add a step</h4>
      <div className="grid">
        <Field label="Step id" error={errors.id} required>
          <input value={id} onChange={(e) => setId(e.target.value)} />
        </Field>
        <Field
          label="Action"
          help='From the catalogue, e.g. "groups.add-member"'
          error={errors.action}
          required
        >
          <input value={action} onChange={(e) => setAction(e.target.value)} />
        </Field>
        <Field label="Title" error={errors.title} required>
          <input value={title} onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <Field label="Runs after" help='Step ids, comma-separated, or "all"'>
          <input value={after} onChange={(e) => setAfter(e.target.value)} />
        </Field>
      </div>
      <Field label="Condition" help={conditionHelp} error={errors.when}>
        <textarea rows={2} value={when} onChange={(e) => setWhen(e.target.value)} />
      </Field>
      <Button type="submit">Add step</Button>
    </form>
  );
}

/** The workflow as a list of steps: remove or restore, move, give a condition, add one. */
export function StepListEditor({
  base,
  overlay,
  onChange,
  errors = [],
}: {
  base: Step[];
  overlay: Overlay;
  onChange: (overlay: Overlay) => void;
  errors?: FieldError[];
}) {
  const [editing, setEditing] = useState<string>();
  const list = listSteps(base, overlay);
  const byStep = errorsByStep(errors, overlay);
  const removed = overlay.remove ?? [];
  return (
    <div>
      {byStep.general.length ? (
        <div className="alert" role="alert">
          <strong>The workflow is not valid</strong>
          <ul>
            {byStep.general.map((e) => (
              <li key={e.field + e.message}>
                <span className="mono">{e.field}</span>: {e.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <ol className="steps" aria-label="Steps">
        {list.map(({ step, origin, patched }, i) => {
          const stepErrors = byStep.steps.get(step.id) ?? [];
          const after = step.after ?? [];
          return (
            <li key={step.id} className={stepErrors.length ? "step invalid" : "step"} aria-label={step.title}>
              <div className="step-head">
                <span className="step-title">
                  <strong>{step.title}</strong> <span className="mono muted">{step.id}</span>{" "}
                  {origin === "added" ? <span className="badge info">added</span> : null}
                  {patched ? <span className="badge warn">changed</span> : null}
                </span>
                <span className="row step-buttons">
                  <Button
                    variant="secondary"
                    aria-label={`Move ${step.title} up`}
                    disabled={!canMove(list, i, -1)}
                    onClick={() => onChange(moveStep(overlay, base, step.id, -1))}
                  >
                    ↑
                  </Button>
                  <Button
                    variant="secondary"
                    aria-label={`Move ${step.title} down`}
                    disabled={!canMove(list, i, 1)}
                    onClick={() => onChange(moveStep(overlay, base, step.id, 1))}
                  >
                    ↓
                  </Button>
                  <Button
                    variant="secondary"
                    aria-expanded={editing === step.id}
                    aria-label={`Edit the condition of ${step.title}`}
                    onClick={() => setEditing(editing === step.id ? undefined : step.id)}
                  >
                    Condition
                  </Button>
                  <Button
                    variant="danger"
                    aria-label={`Remove ${step.title}`}
                    onClick={() => onChange(removeStep(overlay, step.id))}
                  >
                    Remove
                  </Button>
                </span>
              </div>
              <div className="muted step-meta">
                <span className="mono">{step.action}</span>
                {" · after "}
                {after === "all" ? "all before it" : after.length ? after.join(", ") : "nothing"}
                {step.when !== undefined ? (
                  <>
                    {" · when "}
                    <span className="mono">{JSON.stringify(step.when)}</span>
                  </>
                ) : null}
              </div>
              {editing === step.id ? (
                <ConditionEditor
                  step={step}
                  onCancel={() => setEditing(undefined)}
                  onApply={(when) => {
                    setEditing(undefined);
                    onChange(setStepField(overlay, base, step.id, "when", when));
                  }}
                />
              ) : null}
              {stepErrors.length ? (
                <ul className="step-errors" role="alert">
                  {stepErrors.map((e) => (
                    <li key={e.field + e.message}>
                      <span className="mono">{e.field}</span>: {e.message}
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          );
        })}
      </ol>
      {removed.length ? (
        <>
          <h4>Removed from the built-in</h4>
          <ul className="removed" aria-label="Removed steps">
            {removed.map((id) => {
              const errs = byStep.steps.get(id) ?? [];
              return (
                <li key={id}>
                  <span className="mono">{base.find((s) => s.id === id)?.title ?? id}</span>{" "}
                  <Button
                    variant="secondary"
                    aria-label={`Restore ${id}`}
                    onClick={() => onChange(restoreStep(overlay, id))}
                  >
                    Restore
                  </Button>
                  {errs.map((e) => (
                    <span key={e.message} className="error" role="alert">
                      {" "}
                      {e.message}
                    </span>
                  ))}
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
      <AddStepForm
        taken={new Set(list.map((l) => l.step.id))}
        onAdd={(step) => onChange(addStep(overlay, step))}
      />
    </div>
  );
}
