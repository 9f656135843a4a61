import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { toUsernamePart } from "../../src/domain/transliterate.ts";

const expand = { umlauts: "expand" } as const;
const strip = { umlauts: "strip" } as const;

const table: [input: string, expanded: string, stripped: string][] = [
  ["Zoë", "zoe", "zoe"],
  ["Müller", "mueller", "muller"],
  ["Öztürk", "oeztuerk", "ozturk"],
  ["Bär", "baer", "bar"],
  ["Straße", "strasse", "strasse"],
  ["O'Brien", "obrien", "obrien"],
  ["O’Brien", "obrien", "obrien"],
  ["St. John", "stjohn", "stjohn"],
  ["José María", "josemaria", "josemaria"],
  ["de la Cruz", "delacruz", "delacruz"],
  ["Smith-Jones", "smithjones", "smithjones"],
  ["Łukasz", "lukasz", "lukasz"],
  ["Søren", "soren", "soren"],
  ["Ærø", "aero", "aero"],
  ["Œuvre", "oeuvre", "oeuvre"],
  ["Đorđe", "dorde", "dorde"],
  ["Þór", "thor", "thor"],
  ["Işıl", "isil", "isil"],
  ["Noël", "noel", "noel"],
  ["Loïc", "loic", "loic"],
  ["Ｊｏｈｎ", "john", "john"],
  ["Anne2", "anne2", "anne2"],
];

for (const [input, expanded, stripped] of table) {
  test(`"${input}" becomes "${expanded}" when umlauts expand and "${stripped}" when they are stripped`, () => {
    assert.equal(toUsernamePart(input, expand), expanded);
    assert.equal(toUsernamePart(input, strip), stripped);
  });
}

test("a decomposed umlaut (u + combining diaeresis) expands like the precomposed one", () => {
  assert.equal(toUsernamePart("Mu\u0308ller", expand), "mueller");
});

test("a name with no latin letters yields an empty string for the caller to report", () => {
  assert.equal(toUsernamePart("李", expand), "");
  assert.equal(toUsernamePart("😀", expand), "");
  assert.equal(toUsernamePart("  ", strip), "");
});

test("the result only ever holds lowercase ascii letters and digits", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), fc.constantFrom(expand, strip), (name, opts) => {
      assert.match(toUsernamePart(name, opts), /^[a-z0-9]*$/);
    }),
  );
});

test("lowercase ascii letters and digits pass through unchanged", () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[a-z0-9]*$/), (name) => {
      assert.equal(toUsernamePart(name, expand), name);
    }),
  );
});
