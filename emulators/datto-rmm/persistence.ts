import type { Persistence } from "../kit/emulator.ts";
import type { DattoContext, DattoData } from "./state.ts";

/** What survives a restart: the account's data and how far the clock was advanced. */
interface SavedState {
  version: 1;
  data: DattoData;
  clockOffsetMs: number;
}

export function persistenceOf(ctx: DattoContext): Persistence {
  return {
    capture: (): SavedState => ({ version: 1, data: ctx.data, clockOffsetMs: ctx.clock.offset }),
    restore(value, path) {
      const saved = value as Partial<SavedState>;
      if (saved.version !== 1 || typeof saved.data !== "object" || !(saved.data?.devices instanceof Map))
        throw new Error(`${path} is not a Datto RMM emulator snapshot`);
      ctx.data = saved.data;
      ctx.clock.offset = saved.clockOffsetMs ?? 0;
    },
  };
}
