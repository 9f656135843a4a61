import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { useState, type FormEvent } from "react";
import { ApiFailure, api, unwrap } from "../../api/client";
import { Button } from "../../ui/Button";
import { ErrorNote } from "../../ui/ErrorNote";
import { Field } from "../../ui/Field";

export const clientsQuery = {
  queryKey: ["clients"],
  queryFn: () => unwrap(api.GET("/api/clients")),
};

/** A new client: the fields a configuration cannot do without; the rest is edited on its page. */
function NewClient({ taken }: { taken: Set<string> }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ id: "", displayName: "", domain: "", timeZone: "", usageLocation: "" });
  const [clash, setClash] = useState<string>();
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/clients", {
          body: {
            id: form.id.trim(),
            displayName: form.displayName.trim(),
            domains: [form.domain.trim()],
            timeZone: form.timeZone.trim(),
            usageLocation: form.usageLocation.trim(),
          } as never,
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["clients"] });
      await navigate({ to: "/clients/$clientId", params: { clientId: form.id.trim() } });
    },
  });
  const fields = create.error instanceof ApiFailure ? create.error.fields : [];
  const err = (name: string) =>
    fields
      .filter((f) => f.field === name || f.field.startsWith(`${name}.`))
      .map((f) => f.message)
      .join("; ") || undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // POST /api/clients replaces a client with the same id: adding must never overwrite one.
    if (taken.has(form.id.trim())) {
      setClash(`"${form.id.trim()}" is already a client: open it to change its configuration`);
      return;
    }
    setClash(undefined);
    create.mutate();
  };
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [name]: e.target.value });
  if (!open)
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Add a client
      </Button>
    );
  return (
    <form className="panel" onSubmit={submit} aria-label="Add a client">
      <h2>Add a client</h2>
      <div className="grid">
        <Field
          label="Client id"
          help="Lowercase letters, digits, hyphens; never changes"
          error={clash ?? err("id")}
          required
        >
          <input value={form.id} onChange={set("id")} />
        </Field>
        <Field label="Display name" error={err("displayName")} required>
          <input value={form.displayName} onChange={set("displayName")} />
        </Field>
        <Field label="Primary domain" error={err("domains")} required>
          <input value={form.domain} onChange={set("domain")} />
        </Field>
        <Field label="Time zone" help='e.g. "Europe/Berlin"' error={err("timeZone")} required>
          <input value={form.timeZone} onChange={set("timeZone")} />
        </Field>
        <Field label="Usage location" help="ISO country code, e.g. US" error={err("usageLocation")} required>
          <input value={form.usageLocation} onChange={set("usageLocation")} />
        </Field>
      </div>
      {create.error && !fields.length ? <ErrorNote error={create.error} /> : null}
      <div className="row">
        <Button type="submit" disabled={create.isPending}>
          Create client
        </Button>
        <Button variant="secondary" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

export function Clients() {
  const clients = useQuery(clientsQuery);
  return (
    <>
      <h1>Clients</h1>
      {clients.error ? <ErrorNote error={clients.error} /> : null}
      <table className="table" aria-label="Clients">
        <thead>
          <tr>
            <th scope="col">Client</th>
            <th scope="col">Domains</th>
            <th scope="col">Time zone</th>
            <th scope="col">Systems</th>
          </tr>
        </thead>
        <tbody>
          {clients.isPending ? (
            <tr>
              <td colSpan={4} className="muted">
                Loading…
              </td>
            </tr>
          ) : null}
          {(clients.data ?? []).map((c) => (
            <tr key={c.id}>
              <td>
                <Link to="/clients/$clientId" params={{ clientId: c.id }}>
                  {String(c.displayName)}
                </Link>{" "}
                <span className="muted mono">{c.id}</span>
              </td>
              <td>{c.domains.join(", ")}</td>
              <td>{String(c.timeZone)}</td>
              <td className="mono">
                {Object.entries(c.systems as Record<string, { connector?: string }>)
                  .map(([name, s]) => `${name} (${s.connector ?? "?"})`)
                  .join(", ") || "none"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p />
      <NewClient taken={new Set((clients.data ?? []).map((c) => c.id))} />
    </>
  );
}
