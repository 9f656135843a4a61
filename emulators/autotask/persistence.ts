import type { Persistence } from "../kit/emulator.ts";
import type { AutotaskContext } from "./context.ts";
import type { Database } from "./model.ts";
import type { Settings } from "./settings.ts";

/**
 * What survives a restart: the database (companies, contacts, tickets, notes, picklists, API users) and
 * the settings and clock offset. The threshold buckets, thread counts, faults and call log are about one
 * run. API users' secrets are the emulator's own demo values, never a real credential.
 */
interface SavedState {
  version: 1;
  db: Database;
  settings: Settings;
  clockOffsetMs: number;
}

export function persistenceOf(ctx: AutotaskContext): Persistence {
  return {
    capture: (): SavedState => ({
      version: 1,
      db: ctx.db,
      settings: ctx.settings,
      clockOffsetMs: ctx.clock.offset,
    }),
    restore(saved, path) {
      const s = saved as Partial<SavedState>;
      if (
        s.version !== 1 ||
        !s.db ||
        !(s.db.tickets instanceof Map) ||
        !s.settings ||
        typeof s.clockOffsetMs !== "number"
      )
        throw new Error(`${path} is not an Autotask emulator snapshot`);
      ctx.db = s.db;
      ctx.settings = s.settings;
      ctx.clock.offset = s.clockOffsetMs;
    },
  };
}
