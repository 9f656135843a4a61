import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Tabs } from "radix-ui";
import { useEffect, useState } from "react";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { ApiFailure, api, unwrap } from "../../api/client";
import { Button } from "../../ui/Button";
import { ErrorNote } from "../../ui/ErrorNote";
import type { FieldError, Overlay, Step } from "./ClientEditorOverlay";
import { StepListEditor } from "./ClientEditorSteps";

type Kind = "onboard" | "offboard";

async function validate(clientId: string, kind: Kind, overlay: Overlay) {
  return unwrap(
    api.POST("/api/clients/{id}/workflows/{kind}/validate", {
      params: { path: { id: clientId, kind } },
      body: overlay as never,
    }),
  );
}

/** One kind's workflow: the overlay loaded, edited as a step list or as YAML, checked as it changes, saved. */
function WorkflowOfKind({ clientId, kind }: { clientId: string; kind: Kind }) {
  const queryClient = useQueryClient();
  const saved = useQuery({
    queryKey: ["overlay", clientId, kind],
    queryFn: async () => {
      const reply = await unwrap(
        api.GET("/api/clients/{id}/workflows/{kind}/overlay", { params: { path: { id: clientId, kind } } }),
      );
      const overlay = reply.overlay as Overlay;
      // The built-in it extends: an empty overlay validates to exactly that definition.
      const empty = await validate(clientId, kind, { kind, extends: overlay.extends });
      return { reply, overlay, base: (empty.definition?.steps ?? []) as Step[] };
    },
  });
  if (saved.error) return <ErrorNote error={saved.error} />;
  if (!saved.data) return <p className="muted">Loading the workflow…</p>;
  return (
    <OverlayEditor
      key={saved.data.reply.version ?? 0}
      clientId={clientId}
      kind={kind}
      loaded={saved.data}
      onSaved={() => void queryClient.invalidateQueries({ queryKey: ["overlay", clientId, kind] })}
    />
  );
}

function OverlayEditor({
  clientId,
  kind,
  loaded,
  onSaved,
}: {
  clientId: string;
  kind: Kind;
  loaded: { reply: { version: number | null; savedBy: string | null }; overlay: Overlay; base: Step[] };
  onSaved: () => void;
}) {
  const [overlay, setOverlay] = useState<Overlay>(loaded.overlay);
  const [yamlText, setYamlText] = useState(() => toYaml(loaded.overlay));
  const [yamlError, setYamlError] = useState<string>();
  // The last answer of the validation, and the overlay it is about: while they differ, it is checking.
  const [checked, setChecked] = useState<{ of: Overlay; errors: FieldError[] }>();
  const [savedNote, setSavedNote] = useState<string>();
  const checking = checked?.of !== overlay;
  const errors = checked?.errors ?? [];
  const setErrors = (e: FieldError[]) => setChecked({ of: overlay, errors: e });

  // Every change is checked by the server's workflow validation; an answer about an older overlay is dropped.
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      validate(clientId, kind, overlay)
        .then((r) => {
          if (current) setChecked({ of: overlay, errors: r.valid ? [] : r.errors });
        })
        .catch((e: unknown) => {
          if (current)
            setChecked({
              of: overlay,
              errors:
                e instanceof ApiFailure && e.fields.length
                  ? e.fields
                  : [{ field: "workflow", message: String(e) }],
            });
        });
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [overlay, clientId, kind]);

  const save = useMutation({
    mutationFn: (o: Overlay) =>
      unwrap(
        api.PUT("/api/clients/{id}/workflows/{kind}/overlay", {
          params: { path: { id: clientId, kind } },
          body: o as never,
        }),
      ),
    onSuccess: (r) => {
      setSavedNote(`Saved as version ${r.version ?? "built-in"}.`);
      onSaved();
    },
    onError: (e) => {
      if (e instanceof ApiFailure && e.fields.length) setErrors(e.fields);
    },
  });

  const change = (next: Overlay) => {
    setOverlay(next);
    setYamlText(toYaml(next));
    setYamlError(undefined);
    setSavedNote(undefined);
  };
  const { reply, base } = loaded;
  return (
    <div>
      <p className="muted">
        Extends <span className="mono">{overlay.extends}</span>;{" "}
        {reply.version
          ? `version ${reply.version}, saved by ${reply.savedBy ?? "?"}`
          : "no overlay saved yet"}
        .
      </p>
      <Tabs.Root defaultValue="steps">
        <Tabs.List className="tabs" aria-label="Workflow view">
          <Tabs.Trigger value="steps">Steps</Tabs.Trigger>
          <Tabs.Trigger value="yaml">YAML</Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="steps">
          <StepListEditor base={base} overlay={overlay} onChange={change} errors={errors} />
        </Tabs.Content>
        <Tabs.Content value="yaml">
          <div className="field">
            <label htmlFor={`yaml-${kind}`}>Overlay (YAML)</label>
            <textarea
              id={`yaml-${kind}`}
              className="mono yaml"
              rows={18}
              spellCheck={false}
              value={yamlText}
              aria-invalid={yamlError || errors.length ? true : undefined}
              aria-describedby={`yaml-${kind}-errors`}
              onChange={(e) => {
                setYamlText(e.target.value);
                try {
                  const parsed: unknown = parseYaml(e.target.value);
                  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
                    throw new Error("the overlay must be a mapping (kind, extends, remove, add, patch)");
                  setYamlError(undefined);
                  setOverlay(parsed as Overlay);
                } catch (err) {
                  setYamlError((err as Error).message);
                }
              }}
            />
            <div id={`yaml-${kind}-errors`}>
              {yamlError ? (
                <span className="error" role="alert">
                  Not YAML: {yamlError}
                </span>
              ) : (
                <ul className="step-errors">
                  {errors.map((e) => (
                    <li key={e.field + e.message}>
                      <span className="mono">{e.field}</span>: {e.message}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </div>
        </Tabs.Content>
      </Tabs.Root>
      <div className="row">
        <Button
          disabled={save.isPending || Boolean(yamlError) || errors.length > 0 || checking}
          onClick={() => save.mutate(overlay)}
        >
          Save workflow
        </Button>
        <Button
          variant="secondary"
          onClick={() => change(loaded.overlay)}
          disabled={JSON.stringify(overlay) === JSON.stringify(loaded.overlay)}
        >
          Discard changes
        </Button>
        <span role="status" className="muted">
          {checking ? "Checking…" : errors.length ? `${errors.length} problem(s)` : "Valid"}
          {savedNote ? ` · ${savedNote}` : ""}
        </span>
      </div>
      {save.error && !(save.error instanceof ApiFailure && save.error.fields.length) ? (
        <ErrorNote error={save.error} />
      ) : null}
    </div>
  );
}

export function WorkflowEditor({ clientId }: { clientId: string }) {
  return (
    <Tabs.Root defaultValue="onboard">
      <Tabs.List className="tabs" aria-label="Workflow kind">
        <Tabs.Trigger value="onboard">Onboarding</Tabs.Trigger>
        <Tabs.Trigger value="offboard">Offboarding</Tabs.Trigger>
      </Tabs.List>
      <Tabs.Content value="onboard">
        <WorkflowOfKind clientId={clientId} kind="onboard" />
      </Tabs.Content>
      <Tabs.Content value="offboard">
        <WorkflowOfKind clientId={clientId} kind="offboard" />
      </Tabs.Content>
    </Tabs.Root>
  );
}
