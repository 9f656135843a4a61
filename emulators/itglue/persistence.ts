import type { Persistence } from "../kit/emulator.ts";
import type { ItglueContext, ItglueData } from "./state.ts";

/** What survives a restart: the account's data and how far the clock was advanced. */
interface SavedState {
  version: 1;
  data: ItglueData;
  clockOffsetMs: number;
}

export function persistenceOf(ctx: ItglueContext): Persistence {
  return {
    capture: (): SavedState => ({ version: 1, data: ctx.data, clockOffsetMs: ctx.clock.offset }),
    restore(value, path) {
      const saved = value as Partial<SavedState>;
      if (saved.version !== 1 || typeof saved.data !== "object" || !(saved.data?.contacts instanceof Map))
        throw new Error(`${path} is not an IT Glue emulator snapshot`);
      ctx.data = saved.data;
      ctx.clock.offset = saved.clockOffsetMs ?? 0;
    },
  };
}
