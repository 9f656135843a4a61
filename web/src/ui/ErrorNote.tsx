import { ApiFailure } from "../api/client";

/** An error as the person can act on it: the message, the catalogued code, and each field's problem. */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const failure = error instanceof ApiFailure ? error : undefined;
  return (
    <div className="alert" role="alert">
      <strong>{failure ? failure.message : String((error as Error).message ?? error)}</strong>
      {failure ? <span className="muted mono"> {failure.code}</span> : null}
      {failure?.fields.length ? (
        <ul>
          {failure.fields.map((f) => (
            <li key={f.field + f.message}>
              <span className="mono">{f.field}</span>: {f.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
