import { z } from "zod";
import { defineConnector } from "../../../../src/connectors/module.ts";
import { LifecycleError } from "../../../../src/domain/errors.ts";
import type { Psa, PsaContact, PsaTicket, TicketPhase } from "../../../../src/ports/index.ts";

export interface MemoryNote {
  id: string;
  ticketId: string;
  text: string;
  marker: string;
  internal: true;
}

/** A PSA held in memory for tests of the ticket trail; `down` makes every call fail as an outage does. */
export interface MemoryPsaState {
  contacts: PsaContact[];
  tickets: (PsaTicket & { reference?: string; phase?: TicketPhase })[];
  notes: MemoryNote[];
  down: boolean;
  calls: number;
}

export function memoryPsaState(seed: { contacts?: string[]; tickets?: string[] } = {}): MemoryPsaState {
  return {
    contacts: (seed.contacts ?? []).map((email, i) => ({ id: `c${i + 1}`, email, active: true })),
    tickets: (seed.tickets ?? []).map((number, i) => ({
      id: `t${i + 1}`,
      number,
      title: `Ticket ${number}`,
      closed: false,
    })),
    notes: [],
    down: false,
    calls: 0,
  };
}

function memoryPsa(state: MemoryPsaState): Psa {
  const call = () => {
    state.calls++;
    if (state.down)
      throw new LifecycleError({
        kind: "transient",
        code: "VENDOR_UNAVAILABLE",
        message: "memory PSA is down (503)",
      });
  };
  const ticket = (id: string) => {
    const t = state.tickets.find((x) => x.id === id);
    if (!t)
      throw new LifecycleError({ kind: "not-found", code: "TICKET_NOT_FOUND", message: `no ticket ${id}` });
    return t;
  };
  const copy = ({ reference: _r, phase: _p, ...t }: MemoryPsaState["tickets"][number]): PsaTicket => ({
    ...t,
  });
  return {
    async findContact(email) {
      call();
      const c = state.contacts.find((x) => x.email.toLowerCase() === email.toLowerCase());
      return c && { ...c };
    },
    async createContact(c) {
      call();
      const contact = {
        id: `c${state.contacts.length + 1}`,
        email: c.email,
        firstName: c.firstName,
        lastName: c.lastName,
        active: true,
      };
      state.contacts.push(contact);
      return { ...contact };
    },
    async setContactActive(id, active) {
      call();
      const c = state.contacts.find((x) => x.id === id);
      if (c) c.active = active;
    },
    async findTicket(number) {
      call();
      const t = state.tickets.find((x) => x.number === number);
      return t && copy(t);
    },
    async findTicketByReference(reference) {
      call();
      const t = state.tickets.find((x) => x.reference === reference);
      return t && copy(t);
    },
    async openTicket(t) {
      call();
      const opened = {
        id: `t${state.tickets.length + 1}`,
        number: String(50_000 + state.tickets.length),
        title: t.title,
        closed: false,
        reference: t.reference,
      };
      state.tickets.push(opened);
      return copy(opened);
    },
    async addNote(ticketId, note) {
      call();
      ticket(ticketId);
      const n: MemoryNote = {
        id: `n${state.notes.length + 1}`,
        ticketId,
        text: `${note.text}\n[${note.marker}]`,
        marker: note.marker,
        internal: true,
      };
      state.notes.push(n);
      return { id: n.id, marker: n.marker };
    },
    async findNote(ticketId, marker) {
      call();
      const n = state.notes.find((x) => x.ticketId === ticketId && x.text.includes(`[${marker}]`));
      return n && { id: n.id, marker };
    },
    async setTicketPhase(ticketId, phase) {
      call();
      const t = ticket(ticketId);
      t.phase = phase;
      t.closed = phase === "completed";
    },
  };
}

/** Each company's PSA, for tests to seed and read; a company not seeded starts empty. */
export const memoryPsaCompanies = new Map<string, MemoryPsaState>();

/** A test-only PSA connector serving one company of `memoryPsaCompanies`. */
export const memoryPsaConnector = defineConnector({
  id: "memory-psa",
  system: "psa",
  title: "In-memory PSA (tests)",
  config: z.strictObject({ company: z.string().min(1) }),
  credential: undefined,
  provides: ["psa"],
  limits: { concurrency: 4, ratePerSecond: 100 },
  build(config) {
    let state = memoryPsaCompanies.get(config.company);
    if (!state) memoryPsaCompanies.set(config.company, (state = memoryPsaState()));
    return { psa: memoryPsa(state) };
  },
});
