import type { FastifyRequest } from "fastify";

/**
 * Places for open live streams, so many per caller. A stream holds a connection and reads the database
 * every second for as long as it is open, so one caller is not allowed to take them all.
 */
export class StreamSlots {
  readonly #open = new Map<string, number>();
  constructor(readonly perCaller: number) {}

  /** A place for `caller`, and the function that gives it back (once, however often called); or none. */
  take(caller: string): (() => void) | undefined {
    const held = this.#open.get(caller) ?? 0;
    if (held >= this.perCaller) return undefined;
    this.#open.set(caller, held + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (this.#open.get(caller) ?? 1) - 1;
      if (left > 0) this.#open.set(caller, left);
      else this.#open.delete(caller);
    };
  }

  held(caller: string): number {
    return this.#open.get(caller) ?? 0;
  }
}

/**
 * Who a stream is counted against: the signed-in account (however many addresses it comes from), else
 * the client address, which is the real client's behind a trusted proxy (LIFECYCLE_TRUST_PROXY).
 */
export function streamCaller(request: FastifyRequest): string {
  const account = request.principal?.accountId;
  return account !== undefined ? `account:${account}` : `address:${request.ip}`;
}
