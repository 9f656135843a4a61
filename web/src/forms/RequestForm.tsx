import { useCallback, useMemo, useRef, useState, type FormEvent, type ReactNode } from "react";
import { FormProvider, useForm, type FieldErrors, type Resolver } from "react-hook-form";
import { ApiFailure } from "../api/client";
import { Button } from "../ui/Button";
import { ErrorNote } from "../ui/ErrorNote";
import type { LinkApi, Preview, PublicForm } from "./api";
import { FieldList, FieldsProvider, type FieldsContext } from "./Fields";
import {
  initialValues,
  placeProblem,
  primaryKeys,
  toBody,
  type FieldDescription,
  type FieldProblem,
  type UiValues,
} from "./model";
import { PlanPreview } from "./PlanPreview";

export type Validator = (body: Record<string, unknown>) => Promise<FieldProblem[]>;

/** Problems as RHF holds them, nested by the page's paths; those no field shows are returned apart. */
export function errorsFor(
  fields: FieldDescription[],
  problems: FieldProblem[],
): { errors: FieldErrors; unplaced: FieldProblem[] } {
  const errors: Record<string, unknown> = {};
  const unplaced: FieldProblem[] = [];
  for (const p of problems) {
    const placed = placeProblem(fields, p);
    if (!placed) {
      unplaced.push(p);
      continue;
    }
    const parts = placed.path.split(".");
    let node = errors;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    const last = parts[parts.length - 1] ?? placed.path;
    const existing = node[last] as { message?: string } | undefined;
    // The first message of a field is the one shown, as a server lists the most basic first.
    if (!existing?.message) node[last] = { ...(existing ?? {}), type: "validate", message: placed.message };
  }
  return { errors: errors as FieldErrors, unplaced };
}

function focusFirstError(form: HTMLFormElement | null) {
  // After React has drawn the messages (and opened "More details" if one is there).
  requestAnimationFrame(() => {
    const first = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
    first?.focus();
    first?.scrollIntoView({ block: "center" });
  });
}

const newKey = () =>
  typeof crypto.randomUUID === "function"
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

export function RequestForm({
  view,
  link,
  validate,
  onSubmitted,
}: {
  view: PublicForm;
  link: LinkApi;
  validate: Validator;
  onSubmitted: (statusUrl: string) => void;
}) {
  const fields = view.form.fields as FieldDescription[];
  const visible = fields.filter((f) => f.kind !== "client");
  const primary = visible.filter((f) => primaryKeys.has(f.key));
  const more = visible.filter((f) => !primaryKeys.has(f.key));
  const formRef = useRef<HTMLFormElement>(null);
  const [moreOpen, setMoreOpen] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [unplaced, setUnplaced] = useState<FieldProblem[]>([]);
  const [preview, setPreview] = useState<{ body: Record<string, unknown>; result: Preview } | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per filled form: a double click, or a retry after a lost answer, sends the same key with the
  // same body, so the server answers with the first run; a changed form is another request.
  const submission = useRef<{ key: string; body: string } | null>(null);
  const inFlight = useRef(false);

  const resolver = useCallback<Resolver<UiValues>>(
    async (values) => {
      const problems = await validate(toBody(fields, values, view.client.id));
      if (!problems.length) return { values, errors: {} };
      const { errors, unplaced: rest } = errorsFor(fields, problems);
      setUnplaced(rest);
      return { values: {}, errors };
    },
    [fields, validate, view.client.id],
  );

  const methods = useForm<UiValues>({
    defaultValues: useMemo(() => initialValues(fields), [fields]),
    resolver,
    mode: "onSubmit",
    reValidateMode: "onChange",
    shouldFocusError: false,
  });

  const showProblems = (problems: FieldProblem[]) => {
    const { errors, unplaced: rest } = errorsFor(fields, problems);
    const set = (node: FieldErrors, prefix: string) => {
      for (const [k, v] of Object.entries(node)) {
        if (!v || typeof v !== "object") continue;
        const path = prefix ? `${prefix}.${k}` : k;
        const message = (v as { message?: unknown }).message;
        if (typeof message === "string") methods.setError(path, { type: "server", message });
        set(v as FieldErrors, path);
      }
    };
    set(errors, "");
    setUnplaced(rest);
    if (Object.keys(errors).some((k) => !primaryKeys.has(k))) setMoreOpen(true);
    focusFirstError(formRef.current);
  };

  // Built when the form is submitted, not during render: the handlers read refs.
  const review = (event: FormEvent<HTMLFormElement>) =>
    void methods.handleSubmit(
      async (values) => {
        setFailure(null);
        setUnplaced([]);
        const body = toBody(fields, values, view.client.id);
        setBusy(true);
        try {
          const result = await link.preview(body);
          const blocking = result.findings.filter((f) => f.severity === "error");
          if (blocking.length) showProblems(blocking);
          setPreview({ body, result });
        } catch (err) {
          if (err instanceof ApiFailure && err.fields.length) showProblems(err.fields);
          else setFailure(err);
        } finally {
          setBusy(false);
        }
      },
      (errors) => {
        if (Object.keys(errors).some((k) => !primaryKeys.has(k))) setMoreOpen(true);
        focusFirstError(formRef.current);
      },
    )(event);

  const submit = async () => {
    if (!preview || inFlight.current) return;
    const json = JSON.stringify(preview.body);
    if (submission.current?.body !== json) submission.current = { key: newKey(), body: json };
    inFlight.current = true;
    setBusy(true);
    setFailure(null);
    try {
      const done = await link.submit(preview.body, submission.current.key);
      onSubmitted(done.statusUrl);
    } catch (err) {
      if (err instanceof ApiFailure && err.fields.length) {
        setPreview(null);
        showProblems(err.fields);
      } else setFailure(err);
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  const implications = view.implications;
  const ctx: FieldsContext = {
    search: link.people,
    timeZone: view.client.timeZone,
    implied: implications
      ? (path, value): ReactNode => {
          if (path === "department") {
            const d = implications.departments[value];
            if (!d)
              return (
                <span className="implied">
                  {" "}
                  Not one of the client's departments: no groups follow from it.
                </span>
              );
            return <Implied groups={d.groups} lists={d.distributionLists} />;
          }
          if (path === "role") {
            const r = implications.roles[value];
            if (!r)
              return (
                <span className="implied">
                  {" "}
                  Not one of the client's roles: the review will say what that means.
                </span>
              );
            return <Implied licences={r.licences} />;
          }
          return null;
        }
      : undefined,
  };

  if (preview) {
    return (
      <PlanPreview
        view={view}
        preview={preview.result}
        busy={busy}
        failure={failure}
        onBack={() => {
          setPreview(null);
          setFailure(null);
        }}
        onSubmit={submit}
      />
    );
  }

  return (
    <FormProvider {...methods}>
      <FieldsProvider value={ctx}>
        <form ref={formRef} noValidate onSubmit={review} aria-label={view.form.title}>
          {implications ? (
            <p className="help">
              Every new user of {view.client.displayName} gets:{" "}
              {listOrNone([...implications.everyone.groups, ...implications.everyone.distributionLists])}.
            </p>
          ) : null}
          <FieldList fields={primary} />
          {more.length ? (
            <details
              className="more"
              open={moreOpen}
              onToggle={(e) => setMoreOpen((e.target as HTMLDetailsElement).open)}
            >
              <summary>More details (optional)</summary>
              <FieldList fields={more} />
            </details>
          ) : null}
          {unplaced.length ? (
            <div className="alert" role="alert">
              <ul>
                {unplaced.map((p) => (
                  <li key={p.field + p.message}>
                    <span className="mono">{p.field}</span> {p.message}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <ErrorNote error={failure} />
          <div className="actions">
            <Button type="submit" disabled={busy}>
              {busy ? "Checking…" : "Review the changes"}
            </Button>
          </div>
        </form>
      </FieldsProvider>
    </FormProvider>
  );
}

function listOrNone(items: string[]): string {
  return items.length ? items.join(", ") : "nothing beyond the account";
}

function Implied({ groups, lists, licences }: { groups?: string[]; lists?: string[]; licences?: string[] }) {
  return (
    <span className="implied">
      {groups ? ` Groups: ${listOrNone(groups)}.` : null}
      {lists?.length ? ` Mail lists: ${lists.join(", ")}.` : null}
      {licences ? ` Licences: ${listOrNone(licences)}.` : null}
    </span>
  );
}
