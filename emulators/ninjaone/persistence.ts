import type { Persistence } from "../kit/emulator.ts";
import type { NinjaContext, NinjaData } from "./state.ts";

/** What survives a restart: the instance's data and how far the clock was advanced. */
interface SavedState {
  version: 1;
  data: NinjaData;
  clockOffsetMs: number;
}

export function persistenceOf(ctx: NinjaContext): Persistence {
  return {
    capture: (): SavedState => ({ version: 1, data: ctx.data, clockOffsetMs: ctx.clock.offset }),
    restore(value, path) {
      const saved = value as Partial<SavedState>;
      if (saved.version !== 1 || typeof saved.data !== "object" || !(saved.data?.devices instanceof Map))
        throw new Error(`${path} is not a NinjaOne emulator snapshot`);
      ctx.data = saved.data;
      ctx.clock.offset = saved.clockOffsetMs ?? 0;
    },
  };
}
