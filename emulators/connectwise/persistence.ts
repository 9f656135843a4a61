import type { Persistence } from "../kit/emulator.ts";
import type { CwContext } from "./context.ts";
import type { Instance } from "./model.ts";

/** Faults, buckets and the call log are about one run; the sites are what a restart keeps. */
interface SavedState {
  version: 1;
  instances: Map<string, Instance>;
  clockOffsetMs: number;
}

export function persistenceOf(ctx: CwContext): Persistence {
  return {
    capture: (): SavedState => ({ version: 1, instances: ctx.instances, clockOffsetMs: ctx.clock.offset }),
    restore(value, path) {
      const saved = value as SavedState;
      if (saved.version !== 1 || !(saved.instances instanceof Map))
        throw new Error(`${path} is not a ConnectWise emulator snapshot`);
      for (const [key, instance] of saved.instances) ctx.instances.set(key, instance);
      ctx.clock.offset = saved.clockOffsetMs;
    },
  };
}
