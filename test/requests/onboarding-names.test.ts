import { test } from "node:test";
import assert from "node:assert/strict";
import { parseClientConfig, type ClientConfig, type ClientConfigInput } from "../../src/domain/client.ts";
import { pictographsIn, stripPictographs } from "../../src/domain/pictographs.ts";
import type { Result } from "../../src/domain/result.ts";
import { validateOnboarding, type OnboardingRequest } from "../../src/requests/index.ts";

function client(overrides: Partial<ClientConfigInput> = {}): ClientConfig {
  const parsed = parseClientConfig({
    id: "acme",
    displayName: "Acme Corp",
    domains: ["acme.com"],
    timeZone: "Europe/Berlin",
    usageLocation: "DE",
    ...overrides,
  });
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.value;
}

const refusing = client();
const stripping = client({ names: { pictographs: "strip" } });
const now = new Date("2025-03-01T10:00:00Z");
const body = {
  client: "acme",
  firstName: "Jane",
  lastName: "Doe",
  start: "now",
  requester: "boss@acme.com",
};

function accepted(result: Result<OnboardingRequest>): OnboardingRequest {
  assert.ok(result.ok, JSON.stringify(result));
  return result.value;
}

function rejected(result: Result<OnboardingRequest>): Record<string, string> {
  assert.ok(!result.ok, "expected the request to be rejected");
  return Object.fromEntries(result.errors.map((e) => [e.field, e.message]));
}

/** One of each kind of sequence a keyboard's emoji picker produces, as a name might carry it. */
const classes: [what: string, typed: string, sequence: string][] = [
  ["a plain pictograph", "Jane 😀", "😀"],
  ["a text-default pictograph", "Jane ☺", "☺"],
  ["a pictograph with the emoji variation selector U+FE0F", "Jane ❤️", "❤️"],
  ["a ZWJ sequence", "Jane 👩‍💻", "👩‍💻"],
  ["a regional-indicator flag", "Jane 🇩🇪", "🇩🇪"],
  ["a skin-tone modifier", "Jane 👍🏽", "👍🏽"],
  ["a keycap sequence", "Jane 1️⃣", "1️⃣"],
  ["a keycap without the selector", "Jane #⃣", "#⃣"],
  ["a tag sequence (the flag of England)", "Jane 🏴󠁧󠁢󠁥󠁮󠁧󠁿", "🏴󠁧󠁢󠁥󠁮󠁧󠁿"],
  ["a lone variation selector", "Jane\uFE0F", "\uFE0F"],
];

for (const [what, typed, sequence] of classes) {
  test(`${what} is found whole and stripped without leftovers`, () => {
    assert.deepEqual(pictographsIn(typed), [sequence]);
    assert.equal(stripPictographs(typed), "Jane");
  });

  for (const field of ["firstName", "lastName", "middleName", "displayName"] as const) {
    test(`${what} in ${field} is refused naming the field and the sequence`, () => {
      const errors = rejected(validateOnboarding({ ...body, [field]: typed }, refusing, now));
      assert.deepEqual(Object.keys(errors), [field]);
      assert.match(errors[field] ?? "", /^must not contain emoji or pictographs \(found /);
      assert.ok(errors[field]?.includes(`"${sequence}"`), errors[field]);
      assert.match(errors[field] ?? "", /U\+[0-9A-F]{4}/, "the code points show what is invisible");
    });

    test(`${what} in ${field} is stripped when the client's config says so`, () => {
      const request = accepted(validateOnboarding({ ...body, [field]: typed }, stripping, now));
      assert.equal(request[field], "Jane");
      assert.deepEqual(pictographsIn(request.displayName), []);
    });
  }
}

test("stripping collapses the spaces the pictographs leave and keeps the letters around them", () => {
  const request = accepted(
    validateOnboarding(
      { ...body, firstName: "Mary 🌸 Ann", lastName: "Smith✨Jones", displayName: " 🎉 Mary  Ann 🎉 " },
      stripping,
      now,
    ),
  );
  assert.equal(request.firstName, "Mary Ann");
  assert.equal(request.lastName, "SmithJones");
  assert.equal(request.displayName, "Mary Ann");
});

test("a name that is only pictographs is an error when stripped, once, naming the field", () => {
  const result = validateOnboarding({ ...body, firstName: "👩‍💻 🇩🇪", displayName: "🎉" }, stripping, now);
  assert.ok(!result.ok);
  assert.deepEqual(result.errors, [
    { field: "firstName", message: "is empty once its emoji and pictographs are removed" },
    { field: "displayName", message: "is empty once its emoji and pictographs are removed" },
  ]);
});

test("the default display name is built from the cleaned names, so it never keeps a pictograph", () => {
  const request = accepted(
    validateOnboarding({ ...body, firstName: "Jane 😀", lastName: "🇩🇪 Doe" }, stripping, now),
  );
  assert.equal(request.displayName, "Jane Doe");
});

test("names with accents, apostrophes, hyphens, digits and joiners in other scripts are kept as they are", () => {
  for (const name of ["Zoë", "José María", "O'Brien", "Smith-Jones", "Louis 14", "李", "ലക്ഷ്മി\u200D"]) {
    assert.deepEqual(pictographsIn(name), [], name);
    const request = accepted(
      validateOnboarding({ ...body, lastName: name, username: "jdoe" }, refusing, now),
    );
    assert.equal(request.lastName, name);
  }
});

test("a client config with an unknown pictograph policy is refused naming the field", () => {
  const parsed = parseClientConfig({
    id: "acme",
    displayName: "Acme Corp",
    domains: ["acme.com"],
    timeZone: "Europe/Berlin",
    usageLocation: "DE",
    names: { pictographs: "keep" },
  });
  assert.ok(!parsed.ok);
  assert.ok(parsed.errors.some((e) => e.field === "names.pictographs"));
  assert.equal(refusing.names.pictographs, "refuse", "refusing is the default");
});
