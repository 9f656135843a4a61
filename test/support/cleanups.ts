import { after } from "node:test";

/**
 * What a test file (or suite) started and must stop, whatever failed: push a cleanup as each thing
 * starts; after the last test they run, the last started first.
 */
export function cleanupsAfterAll(): (() => Promise<void>)[] {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });
  return cleanups;
}
