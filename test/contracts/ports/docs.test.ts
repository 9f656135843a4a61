import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { LifecycleError } from "../../../src/domain/errors.ts";
import type { Docs, DocsPerson } from "../../../src/ports/index.ts";
import { providing, type Fixtures, type Opened } from "./harnesses.ts";

/** What every documentation connector must do the same way, against its own emulator. */
for (const harness of providing("docs")) {
  describe(`docs port: ${harness.connector.id}`, () => {
    let opened: Opened;
    let docs: Docs;
    let f: Fixtures;
    before(async () => {
      opened = await harness.open();
      docs = opened.ports.docs!;
      f = opened.fixtures;
    });
    after(async () => opened.close());

    const newPerson = async (): Promise<DocsPerson> => {
      const email = `contract-${randomUUID().slice(0, 8)}@${f.domain}`;
      return docs.createPerson({ firstName: "Contract", lastName: "Person", email, title: "Tester" });
    };

    test("finds a person by work address in any case, and nobody for an unknown address", async () => {
      const found = await docs.findPerson(f.docsPerson!.toUpperCase());
      assert.ok(found, `a person ${f.docsPerson}`);
      assert.ok(found.id && found.name);
      assert.equal(found.email.toLowerCase(), f.docsPerson!.toLowerCase());
      assert.equal(found.retired, false);
      assert.equal(await docs.findPerson(`nobody-${randomUUID()}@${f.domain}`), undefined);
    });

    test("a created person is found by their address, not retired", async () => {
      const created = await newPerson();
      assert.ok(created.id);
      assert.match(created.email, /^contract-/);
      assert.equal(created.retired, false);
      const found = await docs.findPerson(created.email);
      assert.equal(found?.id, created.id);
      assert.equal(found?.retired, false);
    });

    test("a retired person is still found, retired; retiring again changes nothing", async () => {
      const created = await newPerson();
      await docs.retirePerson(created.id, "Offboarded by Lifecycle: left the company");
      const retired = await docs.findPerson(created.email);
      assert.equal(retired?.id, created.id);
      assert.equal(retired?.retired, true);
      await docs.retirePerson(created.id, "Offboarded by Lifecycle: left the company");
      assert.deepEqual(await docs.findPerson(created.email), retired, "the second retirement adds nothing");
    });

    for (const secret of [`Pw-${randomUUID()}`, undefined]) {
      const kind = secret ? "with a secret" : "without a secret (pass-only)";
      test(`a credential stored ${kind} is found by person and name, then archived when retired`, async () => {
        const person = await newPerson();
        const name = `Contract Person – Microsoft 365 ${randomUUID().slice(0, 6)}`;
        const username = person.email;
        const stored = await docs.storeCredential({
          name,
          username,
          ...(secret ? { secret } : {}),
          url: "https://portal.office.com",
          notes: secret ? "Microsoft 365 sign-in" : "Temporary Access Pass sent to the manager",
          personId: person.id,
        });
        assert.ok(stored.id);
        assert.equal(stored.name, name);
        assert.equal(stored.archived, false);

        const found = await docs.findCredential(person.id, name);
        assert.equal(found?.id, stored.id);
        assert.equal(found?.username, username);
        assert.equal(found?.archived, false);
        assert.equal(await docs.findCredential(person.id, `${name} (other)`), undefined);
        const someoneElse = (await docs.findPerson(f.docsPerson!))!;
        assert.equal(await docs.findCredential(someoneElse.id, name), undefined, "only the person's own");

        await docs.retireCredential(stored.id, "Offboarded: no longer in use");
        // The port lets a vault that cannot archive note the entry as no longer in use instead; either
        // way the entry stays, and is reported as archived (what a retried retirement checks).
        const retired = await docs.findCredential(person.id, name);
        assert.equal(retired?.id, stored.id, "retiring keeps the entry");
        assert.equal(retired?.archived, true);
        await docs.retireCredential(stored.id, "Offboarded: no longer in use");
        assert.equal((await docs.findCredential(person.id, name))?.archived, true, "retiring twice");

        if (secret) {
          const answers = [stored, found, retired, await docs.findPerson(person.email)];
          for (const answer of answers)
            assert.ok(!JSON.stringify(answer).includes(secret), "the secret never comes back from the port");
        }
      });
    }

    test("a refused store says why without the secret", async () => {
      const secret = `Pw-${randomUUID()}`;
      await assert.rejects(
        docs.storeCredential({
          name: "Nobody – Microsoft 365",
          username: "nobody",
          secret,
          notes: "x",
          personId: "99999999",
        }),
        (err: unknown) => {
          assert.ok(err instanceof LifecycleError, String(err));
          assert.ok(
            !`${err.message}\n${JSON.stringify(err.failure)}`.includes(secret),
            "no secret in the error",
          );
          return true;
        },
      );
    });
  });
}
