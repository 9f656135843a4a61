/**
 * A cycle among nodes that each name what they wait for, as the path that closes it (`a -> b -> a`);
 * undefined when there is none. Names of nodes that are not there are passed over.
 */
export function findCycle(deps: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (key: string): string[] | undefined => {
    if (state.get(key) === "done") return undefined;
    if (state.get(key) === "visiting") return [...path.slice(path.indexOf(key)), key];
    state.set(key, "visiting");
    path.push(key);
    for (const d of deps.get(key) ?? []) {
      const found = visit(d);
      if (found) return found;
    }
    path.pop();
    state.set(key, "done");
    return undefined;
  };
  for (const key of deps.keys()) {
    const found = visit(key);
    if (found) return found;
  }
  return undefined;
}
