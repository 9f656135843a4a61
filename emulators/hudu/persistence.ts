import type { Persistence } from "../kit/emulator.ts";
import type { HuduContext } from "./context.ts";
import type { Instance } from "./model.ts";

/** Faults, the throttle's counts and the call log are about one run; the instance is what a restart keeps. */
interface SavedState {
  version: 1;
  instance: Instance;
  clockOffsetMs: number;
}

export function persistenceOf(ctx: HuduContext): Persistence {
  return {
    capture: (): SavedState => ({ version: 1, instance: ctx.instance, clockOffsetMs: ctx.clock.offset }),
    restore(value, path) {
      const saved = value as SavedState;
      if (saved.version !== 1 || !(saved.instance?.assets instanceof Map))
        throw new Error(`${path} is not a Hudu emulator snapshot`);
      ctx.instance = saved.instance;
      ctx.clock.offset = saved.clockOffsetMs;
    },
  };
}
