/** Graph's innerError date: UTC, seconds precision, no zone suffix ("2022-02-14T13:27:37"). */
export function graphDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** Entity timestamps: UTC with a Z and no fractional seconds, as the directory returns them. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
