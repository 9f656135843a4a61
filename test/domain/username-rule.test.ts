import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  MAX_USERNAME_LENGTH,
  pickUsername,
  pickUsernameExplained,
  type Person,
  type UsernameFormat,
} from "../../src/domain/username.ts";
import { usernameRules } from "../../src/domain/username-rule.ts";

const expand = { umlauts: "expand" } as const;
const strip = { umlauts: "strip" } as const;
const dotted: UsernameFormat = { pattern: "{first}.{last}", collision: "numeric-suffix" };
const initials: UsernameFormat = { pattern: "{f}{last}", collision: "middle-initial" };

async function explained(
  person: Person,
  format: UsernameFormat,
  taken: readonly string[] = [],
  translit: { umlauts: "expand" | "strip" } = expand,
) {
  const picked = await pickUsernameExplained(person, format, translit, async (c) => taken.includes(c));
  assert.ok(picked.ok, JSON.stringify(picked));
  assert.doesNotMatch(picked.value.rule, /\n/, "the rule is one line");
  return picked.value;
}

const table: [
  rule: string,
  person: Person,
  format: UsernameFormat,
  taken: string[],
  username: string,
  explanation: string,
][] = [
  [
    "nothing to change",
    { firstName: "Jane", lastName: "Doe" },
    dotted,
    [],
    "jane.doe",
    '{first}.{last} from "Jane Doe"',
  ],
  [
    "transliteration",
    { firstName: "Zoë", lastName: "Müller" },
    dotted,
    [],
    "zoe.mueller",
    '{first}.{last} from "Zoë Müller": ë→e, ü→ue',
  ],
  [
    "a particle",
    { firstName: "Zoë", lastName: "de la Cruz" },
    dotted,
    ["zoe.delacruz"],
    "zoe.delacruz2",
    '{first}.{last} from "Zoë de la Cruz": ë→e, particle "de la" joined, "zoe.delacruz" taken, so suffix 2',
  ],
  [
    "spaces in a name that are not a particle's",
    { firstName: "José María", lastName: "Cruz" },
    dotted,
    [],
    "josemaria.cruz",
    '{first}.{last} from "José María Cruz": é→e, í→i, spaces dropped',
  ],
  [
    "a hyphen",
    { firstName: "Mary", lastName: "Smith-Jones" },
    dotted,
    [],
    "mary.smithjones",
    '{first}.{last} from "Mary Smith-Jones": hyphen dropped',
  ],
  [
    "an apostrophe, typed or typographic",
    { firstName: "Seán", lastName: "O’Brien" },
    dotted,
    [],
    "sean.obrien",
    '{first}.{last} from "Seán O’Brien": á→a, apostrophe dropped',
  ],
  [
    "other characters",
    { firstName: "Jane", lastName: "Doe 李" },
    dotted,
    [],
    "jane.doe",
    '{first}.{last} from "Jane Doe 李": spaces dropped, "李" dropped',
  ],
  [
    "several collisions",
    { firstName: "Jane", lastName: "Doe" },
    dotted,
    ["jane.doe", "jane.doe2", "jane.doe3"],
    "jane.doe4",
    '{first}.{last} from "Jane Doe": "jane.doe", "jane.doe2" and 1 more taken, so suffix 4',
  ],
  [
    "the middle-initial collision mode",
    { firstName: "John", lastName: "Doe", middleName: "Quincy" },
    initials,
    ["jdoe"],
    "jqdoe",
    '{f}{last} from "John Quincy Doe": "jdoe" taken, so middle initial "q" added',
  ],
  [
    "the middle-initial mode falling back to a suffix",
    { firstName: "John", lastName: "Doe", middleName: "Quincy" },
    initials,
    ["jdoe", "jqdoe"],
    "jdoe2",
    '{f}{last} from "John Quincy Doe": "jdoe" and "jqdoe" taken, so suffix 2',
  ],
  [
    "an initial: only its own letter counts",
    { firstName: "Élodie", lastName: "van der Berg" },
    initials,
    [],
    "evanderberg",
    '{f}{last} from "Élodie van der Berg": É→e, particle "van der" joined',
  ],
];

for (const [rule, person, format, taken, username, explanation] of table) {
  test(`the rule names ${rule}`, async () => {
    assert.deepEqual(await explained(person, format, taken), { username, rule: explanation });
  });
}

test("the rule shows what the client's umlaut setting did", async () => {
  const picked = await explained({ firstName: "Jörg", lastName: "Bär" }, dotted, [], strip);
  assert.deepEqual(picked, { username: "jorg.bar", rule: '{first}.{last} from "Jörg Bär": ö→o, ä→a' });
});

test("the rule says when the 64-character cap cut the name, and the suffix survives the cut", async () => {
  const person = { firstName: "Jane", lastName: "Vandersteenhoven".repeat(5) };
  const first = await explained(person, dotted);
  assert.equal(first.username.length, MAX_USERNAME_LENGTH);
  assert.match(first.rule, /: cut to 64 characters$/);
  const second = await explained(person, dotted, [first.username]);
  assert.ok(second.username.endsWith("2") && second.username.length === MAX_USERNAME_LENGTH);
  assert.match(second.rule, /cut to 64 characters, ".+" taken, so suffix 2$/);
  const short = await explained({ firstName: "Jane", lastName: "Doe" }, dotted);
  assert.doesNotMatch(short.rule, /cut/);
});

test("pickUsername answers the same username as pickUsernameExplained, without the rule", async () => {
  const taken = async (c: string) => c === "zoe.delacruz";
  const person = { firstName: "Zoë", lastName: "de la Cruz" };
  assert.deepEqual(await pickUsername(person, dotted, expand, taken), { ok: true, value: "zoe.delacruz2" });
  const none = await pickUsernameExplained(person, dotted, expand, async () => true);
  assert.equal(none.ok ? "" : none.errors[0]?.field, "username");
  const latinless = await pickUsernameExplained({ firstName: "Jane", lastName: "李" }, dotted, expand, taken);
  assert.equal(latinless.ok ? "" : latinless.errors[0]?.field, "lastName");
});

test("the README states every username rule word for word", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  // Lines may wrap anywhere in the README: compare with white space collapsed.
  const section = readme.slice(readme.indexOf("## Usernames")).replace(/\s+/g, " ");
  assert.ok(readme.includes("## Usernames"), "the README has a Usernames section");
  for (const rule of usernameRules) assert.ok(section.includes(rule), `README lacks: ${rule}`);
});
