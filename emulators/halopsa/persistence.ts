import type { Persistence } from "../kit/emulator.ts";
import type { HaloContext, HaloData } from "./state.ts";

/** What survives a restart: the instance's data and how far the clock was advanced. */
interface SavedState {
  version: 1;
  data: HaloData;
  clockOffsetMs: number;
}

export function persistenceOf(ctx: HaloContext): Persistence {
  return {
    capture: (): SavedState => ({ version: 1, data: ctx.data, clockOffsetMs: ctx.clock.offset }),
    restore(value, path) {
      const saved = value as Partial<SavedState>;
      if (saved.version !== 1 || typeof saved.data !== "object" || !(saved.data?.tickets instanceof Map))
        throw new Error(`${path} is not a HaloPSA emulator snapshot`);
      ctx.data = saved.data;
      ctx.clock.offset = saved.clockOffsetMs ?? 0;
    },
  };
}
