import { exitCodes } from "./api.ts";

/**
 * A long-running process (`lifecycle worker`, `lifecycle start`) that meets a rejection nobody awaited says
 * what it was and where (the stack), then exits non-zero. Carrying on is worse: the broken promise chain
 * may be a step's, whose slot then never frees while its heartbeat keeps renewing a lease for work that
 * stopped, and the run stalls. Exiting lets those leases lapse so other workers take the steps over, and
 * the supervisor (systemd, Kubernetes, the container runtime) starts a fresh process. No graceful stop is
 * tried: it waits for the steps in flight, and a broken one may never settle.
 */
export function exitOnUnhandledRejection(
  log: (line: string) => void,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  process.on("unhandledRejection", (reason) => {
    const what =
      reason instanceof Error ? (reason.stack ?? `${reason.name}: ${reason.message}`) : String(reason);
    log(`unhandled promise rejection; exiting so the steps this process held are taken over:\n${what}`);
    exit(exitCodes.internal);
  });
}
