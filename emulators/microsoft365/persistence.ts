import type { Persistence } from "../kit/emulator.ts";
import type { EmulatorContext, RefreshGrant } from "./context.ts";
import type { Tenant } from "./model.ts";

/**
 * What survives a restart: the tenants with everything in them, the partner refresh tokens, the key
 * that signs access tokens (so tokens a client cached stay valid) and how far the clock was advanced.
 * Faults, throttling buckets and the call log are about one run and start fresh.
 */

interface SavedState {
  version: 1;
  tenants: Tenant[];
  refreshTokens: Map<string, RefreshGrant>;
  signingKey: Buffer;
  clockOffsetMs: number;
}

export function persistenceOf(ctx: EmulatorContext): Persistence {
  return {
    capture: (): SavedState => ({
      version: 1,
      tenants: [...ctx.store.tenants.values()],
      refreshTokens: ctx.refreshTokens,
      signingKey: ctx.signingKey,
      clockOffsetMs: ctx.clock.offset,
    }),
    restore(saved, path) {
      if (!isSavedState(saved)) throw new Error(`${path} is not a Microsoft 365 emulator snapshot`);
      for (const tenant of saved.tenants) ctx.store.add(tenant);
      for (const [token, grant] of saved.refreshTokens) ctx.refreshTokens.set(token, grant);
      ctx.signingKey = saved.signingKey;
      ctx.clock.offset = saved.clockOffsetMs;
    },
  };
}

// The file is one `capture` wrote; checking its frame is enough to refuse a foreign or older file.
function isSavedState(value: unknown): value is SavedState {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.version === 1 &&
    Array.isArray(v.tenants) &&
    v.refreshTokens instanceof Map &&
    Buffer.isBuffer(v.signingKey) &&
    typeof v.clockOffsetMs === "number"
  );
}
