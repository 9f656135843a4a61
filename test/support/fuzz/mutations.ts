import fc from "fast-check";
import { anyJson, anyText, nastyStrings, prototypeKeys } from "./json-schema-arbitrary.ts";

/** One edit to a valid-shaped value: a leaf replaced, a key removed, or a key added. */
interface Edit {
  at: number;
  op: "replace" | "remove" | "add" | "retype";
  key: string;
  value: unknown;
}

const deepArray = (n: number): unknown => {
  let v: unknown = "leaf";
  for (let i = 0; i < n; i++) v = [v];
  return v;
};

/** Values that are wrong in type, size or content for almost any field. */
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(...nastyStrings), weight: 4 },
  { arbitrary: anyText, weight: 2 },
  {
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      0,
      -1,
      1.5,
      1e308,
      Number.MAX_SAFE_INTEGER + 2,
      [],
      {},
      [null],
      { constructor: { prototype: {} } },
      Object.fromEntries(prototypeKeys.map((k) => [k, k])),
      deepArray(80),
      "x".repeat(5000),
    ),
    weight: 2,
  },
  { arbitrary: anyJson, weight: 1 },
);

const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom("replace", "remove", "add", "retype"),
  key: fc.oneof(fc.constantFrom(...prototypeKeys), anyText),
  value: nastyValue,
});

type Path = (string | number)[];

function pathsOf(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...at, i], out));
  else if (typeof v === "object" && v !== null)
    for (const [k, x] of Object.entries(v)) pathsOf(x, [...at, k], out);
  return out;
}

function clone(v: unknown): unknown {
  return v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as unknown);
}

// Object.defineProperty, so a "__proto__" key is an own property as JSON.parse would make it.
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function apply(root: unknown, edit: Edit): unknown {
  // A copy of the value: the constants are shared between samples, and a value pushed into itself loops.
  const e = { ...edit, value: clone(edit.value) };
  const paths = pathsOf(root);
  const path = paths[e.at % paths.length] ?? [];
  if (path.length === 0) {
    if (e.op === "add" && typeof root === "object" && root !== null && !Array.isArray(root)) {
      setOwn(root as Record<string, unknown>, e.key, e.value);
      return root;
    }
    return e.value;
  }
  let parent = root as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  const current = parent[last];
  const put = (value: unknown) => {
    if (Array.isArray(parent)) parent[Number(last)] = value;
    else setOwn(parent as Record<string, unknown>, String(last), value);
  };
  switch (e.op) {
    case "replace":
      put(e.value);
      break;
    case "remove":
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      break;
    case "add":
      if (typeof current === "object" && current !== null && !Array.isArray(current))
        setOwn(current as Record<string, unknown>, e.key, e.value);
      else if (Array.isArray(current)) current.push(e.value);
      else put(e.value);
      break;
    case "retype":
      put(typeof current === "string" ? [current] : typeof current === "number" ? String(current) : e.value);
      break;
  }
  return root;
}

/** A valid-shaped value with one to three edits that make it wrong in some way. */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid, fc.array(edit, { minLength: 1, maxLength: 3 }))
    .map(([v, edits]) => edits.reduce((acc, e) => apply(acc, e), clone(v)));
}
