import { ours } from "./errors.ts";
import type { DeviceRec } from "./state.ts";

/**
 * NinjaOne's device filter (`df`), the part of its syntax clients send here: `org = 12`, `org in (12,14)`,
 * `id = 5`, `class = WINDOWS_WORKSTATION`, `online`, `offline`, joined by AND (CIPP sends `org = <id>`).
 * Anything else is refused rather than ignored, so a client cannot believe a filter it did not get.
 */
export type DeviceFilter = (d: DeviceRec) => boolean;

const fields: Record<string, (d: DeviceRec) => string> = {
  org: (d) => String(d.organizationId),
  id: (d) => String(d.id),
  class: (d) => d.nodeClass,
};

export function parseDeviceFilter(df: string | undefined): DeviceFilter {
  if (df === undefined || df.trim() === "") return () => true;
  const terms = df.split(/\s+AND\s+/i).map((t) => t.trim());
  const tests = terms.map((term): DeviceFilter => {
    if (/^online$/i.test(term)) return (d) => !d.offline;
    if (/^offline$/i.test(term)) return (d) => d.offline;
    const m = /^(\w+)\s*(=|!=|in|notin)\s*(.+)$/i.exec(term);
    const field = m?.[1] ? fields[m[1].toLowerCase()] : undefined;
    if (!m || !field) throw ours.invalidFilter(df);
    const op = (m[2] ?? "").toLowerCase();
    const raw = (m[3] ?? "").trim();
    if (op === "in" || op === "notin") {
      const list = /^\((.*)\)$/.exec(raw)?.[1];
      if (list === undefined) throw ours.invalidFilter(df);
      const values = new Set(list.split(",").map((v) => v.trim().toUpperCase()));
      return op === "in"
        ? (d) => values.has(field(d).toUpperCase())
        : (d) => !values.has(field(d).toUpperCase());
    }
    const value = raw.toUpperCase();
    return op === "=" ? (d) => field(d).toUpperCase() === value : (d) => field(d).toUpperCase() !== value;
  });
  return (d) => tests.every((t) => t(d));
}
