import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Psa } from "../../../src/ports/index.ts";
import { providing, type Opened } from "./harnesses.ts";

/** What every PSA connector must do the same way, against its own emulator. */
for (const harness of providing("psa")) {
  describe(`psa port: ${harness.connector.id}`, () => {
    let opened: Opened;
    let psa: Psa;
    before(async () => {
      opened = await harness.open();
      psa = opened.ports.psa!;
    });
    after(async () => opened.close());

    test("finds an existing contact by email, in any case, and nobody for an unknown address", async () => {
      const email = opened.fixtures.psaContact!;
      const found = await psa.findContact(email.toUpperCase());
      assert.equal(found?.email.toLowerCase(), email.toLowerCase());
      assert.equal(found?.active, true);
      assert.equal(await psa.findContact(`nobody-${randomUUID()}@example.test`), undefined);
    });

    test("creates a contact that is then found, and deactivates it with the vendor's own flag", async () => {
      const email = `contract-${randomUUID().slice(0, 8)}@${opened.fixtures.domain}`;
      const created = await psa.createContact({ firstName: "Contract", lastName: "Person", email });
      assert.ok(created.id);
      assert.equal(created.active, true);
      assert.equal((await psa.findContact(email))?.id, created.id);
      await psa.setContactActive(created.id, false);
      assert.equal((await psa.findContact(email))?.active, false);
      await psa.setContactActive(created.id, false);
      assert.equal((await psa.findContact(email))?.active, false, "deactivating twice changes nothing");
    });

    test("finds a ticket by its number; an unknown number is nothing, not an error", async () => {
      const ticket = await psa.findTicket(opened.fixtures.psaTicket!);
      assert.equal(ticket?.number, opened.fixtures.psaTicket);
      assert.equal(ticket?.closed, false);
      assert.equal(await psa.findTicket("987654321"), undefined);
    });

    test("opens a ticket found again by its reference, so a lost answer does not open a second", async () => {
      const reference = randomUUID();
      assert.equal(await psa.findTicketByReference(reference), undefined);
      const opened1 = await psa.openTicket({
        title: "Onboard Contract Person",
        description: "Plan:\n1. Create",
        reference,
      });
      assert.ok(opened1.id && opened1.number);
      const again = await psa.findTicketByReference(reference);
      assert.equal(again?.id, opened1.id);
      assert.equal((await psa.findTicket(opened1.number))?.id, opened1.id);
    });

    test("an internal note is found by its marker, and only by its own", async () => {
      const ticket = (await psa.findTicket(opened.fixtures.psaTicket!))!;
      const marker = `lifecycle:${randomUUID()}`;
      assert.equal(await psa.findNote(ticket.id, marker), undefined);
      const note = await psa.addNote(ticket.id, { text: "0:02 Created user in Entra ID", marker });
      assert.ok(note.id);
      assert.equal((await psa.findNote(ticket.id, marker))?.id, note.id);
      assert.equal(await psa.findNote(ticket.id, `lifecycle:${randomUUID()}`), undefined);
    });

    test("sets the ticket's status by phase; completed closes it", async () => {
      const t = await psa.openTicket({ title: "Phase test", description: "x", reference: randomUUID() });
      await psa.setTicketPhase(t.id, "waiting-on-customer");
      assert.equal((await psa.findTicket(t.number))?.closed, false);
      await psa.setTicketPhase(t.id, "completed");
      assert.equal((await psa.findTicket(t.number))?.closed, true);
    });
  });
}
