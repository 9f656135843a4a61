import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * An emulator's state on disk, so a killed demo comes back with the tenant it had. The file is JSON
 * with Maps, Sets and Buffers tagged; it is written whole to a temporary file and renamed over the old
 * one (a kill mid-write leaves the previous snapshot), at most once per `debounceMs` after a change.
 */

export function encodeState(value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value].map(([k, v]) => [k, encodeState(v)]) };
  if (value instanceof Set) return { $set: [...value].map(encodeState) };
  if (Buffer.isBuffer(value)) return { $bytes: value.toString("base64") };
  if (Array.isArray(value)) return value.map(encodeState);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeState(v)]));
  return value;
}

export function decodeState(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeState);
  if (typeof value !== "object" || value === null) return value;
  const tagged = value as Record<string, unknown>;
  const keys = Object.keys(tagged);
  if (keys.length === 1 && Array.isArray(tagged.$map))
    return new Map(
      tagged.$map.map((entry) => {
        const [k, v] = Array.isArray(entry) ? entry : [];
        return [k, decodeState(v)];
      }),
    );
  if (keys.length === 1 && Array.isArray(tagged.$set)) return new Set(tagged.$set.map(decodeState));
  if (keys.length === 1 && typeof tagged.$bytes === "string") return Buffer.from(tagged.$bytes, "base64");
  return Object.fromEntries(Object.entries(tagged).map(([k, v]) => [k, decodeState(v)]));
}

export class SnapshotFile {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly path: string,
    private readonly capture: () => unknown,
    private readonly debounceMs = 200,
  ) {}

  /** The saved state, decoded; undefined when there is none yet. */
  load(): unknown {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (error) {
      if (error instanceof Error && "code" in error && error.code === "ENOENT") return undefined;
      throw error;
    }
    return decodeState(JSON.parse(text));
  }

  /** Something changed: write soon, once, however many changes follow within the window. */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.debounceMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(encodeState(this.capture())));
    renameSync(temporary, this.path);
  }

  /** Writes what is pending; called on close so a clean stop loses nothing. */
  close(): void {
    if (this.timer) this.flush();
  }
}
