import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  MAX_USERNAME_LENGTH,
  isValidUsername,
  pickUsername,
  renderUsername,
  usernameCandidates,
  usernameParts,
  type Person,
  type UsernameFormat,
} from "../../src/domain/username.ts";
import { parseUsernamePattern } from "../../src/domain/username-pattern.ts";

const expand = { umlauts: "expand" } as const;
const dotted: UsernameFormat = { pattern: "{first}.{last}", collision: "numeric-suffix" };
const middleFirst: UsernameFormat = { pattern: "{first}.{last}", collision: "middle-initial" };

const first = <T>(gen: Iterable<T>, n: number): T[] => {
  const out: T[] = [];
  for (const x of gen) {
    if (out.length === n) break;
    out.push(x);
  }
  return out;
};

const renderTable: [pattern: string, person: Person, expected: string][] = [
  ["{first}.{last}", { firstName: "Jane", lastName: "Doe" }, "jane.doe"],
  ["{f}{last}", { firstName: "Jane", lastName: "Doe" }, "jdoe"],
  ["{first}_{l}", { firstName: "Jane", lastName: "Doe" }, "jane_d"],
  ["{last}-{first}", { firstName: "Jane", lastName: "Doe" }, "doe-jane"],
  ["{first}.{last}", { firstName: "José María", lastName: "de la Cruz" }, "josemaria.delacruz"],
  ["{f}{last}", { firstName: "José María", lastName: "de la Cruz" }, "jdelacruz"],
  ["{first}.{last}", { firstName: "Zoë", lastName: "Müller" }, "zoe.mueller"],
  ["{first}.{last}", { firstName: "Seán", lastName: "O'Brien" }, "sean.obrien"],
  ["{first}.{last}", { firstName: "Mary", lastName: "Smith-Jones" }, "mary.smithjones"],
  ["{first}.{m}.{last}", { firstName: "John", lastName: "Doe", middleName: "Quincy" }, "john.q.doe"],
  ["{first}.{m}.{last}", { firstName: "John", lastName: "Doe" }, "john.doe"],
  [
    "{first}.{middle}.{last}",
    { firstName: "John", lastName: "Doe", middleName: "Quincy Adams" },
    "john.quincyadams.doe",
  ],
];

for (const [pattern, person, expected] of renderTable) {
  test(`${pattern} renders ${person.firstName} ${person.middleName ?? ""} ${person.lastName} as ${expected}`, () => {
    assert.equal(renderUsername(pattern, usernameParts(person, expand)), expected);
  });
}

test("the first initial of José María is j", () => {
  assert.equal(usernameParts({ firstName: "José María", lastName: "x" }, expand).f, "j");
});

test("numeric-suffix collisions go base, 2, 3 … up to 99", () => {
  const all = [...usernameCandidates({ firstName: "Jane", lastName: "Doe" }, dotted, expand)];
  assert.deepEqual(all.slice(0, 4), ["jane.doe", "jane.doe2", "jane.doe3", "jane.doe4"]);
  assert.equal(all.length, 99);
  assert.equal(all.at(-1), "jane.doe99");
});

test("middle-initial collisions try the middle initial before numeric suffixes", () => {
  const person = { firstName: "John", lastName: "Doe", middleName: "Quincy" };
  assert.deepEqual(first(usernameCandidates(person, middleFirst, expand), 3), [
    "john.doe",
    "john.q.doe",
    "john.doe2",
  ]);
  const initials = { pattern: "{f}{last}", collision: "middle-initial" } as const;
  assert.deepEqual(first(usernameCandidates(person, initials, expand), 3), ["jdoe", "jqdoe", "jdoe2"]);
});

test("middle-initial collisions fall back to numeric suffixes when there is no middle name", () => {
  const person = { firstName: "John", lastName: "Doe" };
  assert.deepEqual(first(usernameCandidates(person, middleFirst, expand), 3), [
    "john.doe",
    "john.doe2",
    "john.doe3",
  ]);
});

test("a long name is cut in its last-name part, keeping the suffix whole", () => {
  const person = { firstName: "Jane", lastName: "Q".repeat(80) };
  const [base, second] = first(usernameCandidates(person, dotted, expand), 2);
  assert.equal(base, `jane.${"q".repeat(MAX_USERNAME_LENGTH - 5)}`);
  assert.equal(second?.length, MAX_USERNAME_LENGTH);
  assert.ok(second?.startsWith("jane.q") && second.endsWith("q2"));
  const last = [...usernameCandidates(person, dotted, expand)].at(-1);
  assert.ok(last?.startsWith("jane.q") && last.endsWith("q99") && last.length === MAX_USERNAME_LENGTH);
});

test("a name with no latin letters produces no candidates and pickUsername names the field", async () => {
  const person = { firstName: "Jane", lastName: "李" };
  assert.deepEqual([...usernameCandidates(person, dotted, expand)], []);
  const picked = await pickUsername(person, dotted, expand, async () => false);
  assert.equal(picked.ok, false);
  assert.equal(picked.ok ? "" : picked.errors[0]?.field, "lastName");
});

test("pickUsername returns the first free candidate", async () => {
  const taken = new Set(["jane.doe", "jane.doe2"]);
  const picked = await pickUsername({ firstName: "Jane", lastName: "Doe" }, dotted, expand, async (c) =>
    taken.has(c),
  );
  assert.deepEqual(picked, { ok: true, value: "jane.doe3" });
});

test("pickUsername reports an error naming username when every candidate is taken", async () => {
  const picked = await pickUsername({ firstName: "Jane", lastName: "Doe" }, dotted, expand, async () => true);
  assert.equal(picked.ok, false);
  assert.equal(picked.ok ? "" : picked.errors[0]?.field, "username");
});

test("patterns with unknown tokens, other characters or doubled separators are refused", () => {
  for (const bad of [
    "{first}.{surname}",
    "{first}@{last}",
    "{first}..{last}",
    ".{first}",
    "{first}.",
    "{m}",
    "{first",
  ]) {
    assert.equal(parseUsernamePattern(bad).ok, false, bad);
  }
});

// Names built to hold at least one latin letter somewhere among accents, punctuation, CJK and emoji.
const latin = fc.constantFrom(..."abcxyzABCXYZéüöäøłßæœđþıñçåÉÜÖÄØŁÆŒĐÞ");
const noise = fc.string({
  unit: fc.constantFrom(..."abzAZ09 '-.éü李王", "😀", "\u0301", "\u0308", "\t"),
  maxLength: 30,
});
const latinName = fc.tuple(noise, latin, noise).map(([a, b, c]) => a + b + c);
const person = fc.record(
  { firstName: latinName, lastName: latinName, middleName: fc.oneof(latinName, noise) },
  { requiredKeys: ["firstName", "lastName"] },
);
const token = fc.constantFrom("{first}", "{last}", "{f}", "{l}", "{middle}", "{m}");
const pattern = fc
  .array(fc.tuple(token, fc.constantFrom("", ".", "_", "-")), { minLength: 1, maxLength: 5 })
  .map((parts) => parts.map(([t, s], i) => (i === parts.length - 1 ? t : t + s)).join(""))
  .filter((p) => parseUsernamePattern(p).ok);
const format = fc.record({
  pattern,
  collision: fc.constantFrom("numeric-suffix", "middle-initial") as fc.Arbitrary<UsernameFormat["collision"]>,
});
const translit = fc.constantFrom({ umlauts: "expand" } as const, { umlauts: "strip" } as const);

test("every candidate is 1–64 of a-z 0-9 . _ - for names holding a latin letter", () => {
  fc.assert(
    fc.property(person, format, translit, (p, f, t) => {
      const all = [...usernameCandidates(p, f, t)];
      assert.ok(all.length > 0);
      for (const c of all) {
        assert.match(c, /^[a-z0-9._-]{1,64}$/);
        assert.ok(isValidUsername(c), c);
      }
    }),
  );
});

test("candidates are unique and the same every time", () => {
  fc.assert(
    fc.property(person, format, translit, (p, f, t) => {
      const once = [...usernameCandidates(p, f, t)];
      assert.equal(new Set(once).size, once.length);
      assert.deepEqual([...usernameCandidates(p, f, t)], once);
      assert.ok(once.length <= 100);
    }),
  );
});

test("pickUsername never returns a taken name, and fails only when all are taken", async () => {
  await fc.assert(
    fc.asyncProperty(
      person,
      format,
      translit,
      fc.double({ min: 0, max: 1, noNaN: true }),
      async (p, f, t, share) => {
        const all = [...usernameCandidates(p, f, t)];
        const taken = new Set(all.filter((_, i) => (i * 0.618) % 1 < share));
        const picked = await pickUsername(p, f, t, async (c) => taken.has(c));
        if (picked.ok) assert.ok(!taken.has(picked.value));
        else assert.equal(taken.size, all.length);
      },
    ),
  );
});
