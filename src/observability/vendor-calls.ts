import { AsyncLocalStorage } from "node:async_hooks";
import type { VendorCall } from "../domain/outcome.ts";

export type { VendorCall };

const current = new AsyncLocalStorage<VendorCall[]>();

/**
 * Connectors report each call here; whoever runs a step collects the calls made on its behalf. Connector
 * instances are shared by every step of a client, so the step is found from the async context, not
 * passed down through the capability interfaces.
 */
export function recordVendorCall(call: Omit<VendorCall, "at">): void {
  current.getStore()?.push({ ...call, at: new Date().toISOString() });
}

export async function collectVendorCalls<T>(fn: () => Promise<T>, into: VendorCall[]): Promise<T> {
  return current.run(into, fn);
}
