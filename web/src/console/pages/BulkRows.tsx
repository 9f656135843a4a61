import { Link } from "@tanstack/react-router";
import { StatusBadge } from "../../ui/StatusBadge";

export interface BulkRow {
  line: number;
  ok: boolean;
  excluded: boolean;
  errors: { field: string; message: string }[];
  findings: { field: string; severity: "error" | "warning" | "info"; message: string; step?: string }[];
  summary: { name?: string; upn?: string };
  runId?: string;
  status?: string;
}

/** The lines that would be submitted but cannot be: bad and not left out. */
export function blockingLines(rows: BulkRow[], excluded: Set<number>): number[] {
  return rows.filter((r) => !r.ok && !excluded.has(r.line)).map((r) => r.line);
}

/**
 * Each row of an uploaded file as the server judged it: its line, who it is, its field errors and
 * pre-flight findings, and a checkbox to leave it out (until the batch is submitted; then its run).
 */
export function BulkRows({
  rows,
  excluded,
  onToggle,
  submitted,
}: {
  rows: BulkRow[];
  excluded: Set<number>;
  onToggle?: (line: number, include: boolean) => void;
  submitted: boolean;
}) {
  return (
    <table className="table bulk-rows" aria-label="Rows of the file">
      <thead>
        <tr>
          <th scope="col">Include</th>
          <th scope="col">Line</th>
          <th scope="col">Person</th>
          <th scope="col">Verdict</th>
          <th scope="col">Problems and findings</th>
          {submitted ? <th scope="col">Run</th> : null}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const out = excluded.has(row.line);
          const notes = row.findings.filter(
            (f) =>
              f.severity !== "error" ||
              !row.errors.some((e) => e.field === f.field && e.message === f.message),
          );
          return (
            <tr key={row.line} className={out ? "excluded" : row.ok ? "" : "bad"} data-line={row.line}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Include line ${row.line}`}
                  checked={!out}
                  disabled={submitted || !onToggle}
                  onChange={(e) => onToggle?.(row.line, e.target.checked)}
                />
              </td>
              <th scope="row">{row.line}</th>
              <td>
                {row.summary.name ?? <span className="muted">no name</span>}
                {row.summary.upn ? (
                  <>
                    <br />
                    <span className="mono muted">{row.summary.upn}</span>
                  </>
                ) : null}
              </td>
              <td>
                {out ? (
                  <span className="badge muted">left out</span>
                ) : row.ok ? (
                  <span className="badge ok">ready</span>
                ) : (
                  <span className="badge bad">
                    {row.errors.length} error{row.errors.length === 1 ? "" : "s"}
                  </span>
                )}
              </td>
              <td>
                {row.errors.length || notes.length ? (
                  <ul className="problems">
                    {row.errors.map((e) => (
                      <li key={`e:${e.field}:${e.message}`} className="error">
                        Line {row.line}, <span className="mono">{e.field}</span>: {e.message}
                      </li>
                    ))}
                    {notes.map((f) => (
                      <li
                        key={`f:${f.field}:${f.message}`}
                        className={f.severity === "warning" ? "warn" : "muted"}
                      >
                        {f.severity}: <span className="mono">{f.field}</span> {f.message}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="muted">none</span>
                )}
              </td>
              {submitted ? (
                <td>
                  {row.runId ? (
                    <Link to="/runs/$runId" params={{ runId: row.runId }}>
                      <StatusBadge status={row.status ?? "pending"} />
                    </Link>
                  ) : (
                    <span className="muted">{out ? "—" : "not yet"}</span>
                  )}
                </td>
              ) : null}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
