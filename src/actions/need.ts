import { LifecycleError } from "../domain/errors.ts";
import type { Capabilities } from "../ports/index.ts";

/** The capability an action needs, or a clear configuration failure naming what is missing. */
export function need<K extends keyof Capabilities>(caps: Capabilities, key: K): NonNullable<Capabilities[K]> {
  const cap = caps[key];
  if (!cap)
    throw new LifecycleError({
      kind: "invalid",
      code: "NOT_CONFIGURED",
      message: `this client has no ${key} connector configured`,
    });
  return cap as NonNullable<Capabilities[K]>;
}
