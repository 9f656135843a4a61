import type { HaloData } from "./state.ts";

/**
 * What every Halo instance has before anyone configures it: ticket statuses and action outcomes. Their
 * ids beyond outcome 7 "Internal Note" (CIPP's default, reference §1) are not documented: these are this
 * emulator's, and seeds may add or replace any (admin createStatus / createOutcome).
 */
export const builtinStatuses = [
  { id: 1, name: "New", closed: false },
  { id: 2, name: "In Progress", closed: false },
  { id: 3, name: "Action Required", closed: false },
  { id: 4, name: "Waiting on Customer", closed: false },
  { id: 8, name: "Resolved", closed: true },
  { id: 9, name: "Closed", closed: true },
] as const;

export const builtinOutcomes = [
  { id: 1, outcome: "Email User" },
  { id: 7, outcome: "Internal Note" },
  { id: 8, outcome: "Private Note" },
] as const;

export function installBuiltins(data: HaloData): void {
  for (const s of builtinStatuses) data.statuses.set(s.id, { ...s });
  for (const o of builtinOutcomes) data.outcomes.set(o.id, { ...o });
}
