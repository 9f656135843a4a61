import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { providing, type Opened } from "./harnesses.ts";

for (const harness of providing("mailboxAdmin")) {
  describe(`mailboxAdmin port: ${harness.connector.id}`, () => {
    let opened: Opened;
    before(async () => (opened = await harness.open()));
    after(async () => opened.close());

    test("a mailbox reads back what was set: hidden, forwarding, list membership", async () => {
      const mx = opened.ports.mailboxAdmin!;
      const upn = opened.fixtures.existingUser;
      assert.equal((await mx.mailbox(upn))?.type, "user");
      assert.equal(await mx.mailbox(`nobody.here@${opened.fixtures.domain}`), undefined);
      await mx.setHiddenFromAddressLists(upn, true);
      assert.equal((await mx.mailbox(upn))?.hiddenFromAddressLists, true);
      await mx.setHiddenFromAddressLists(upn, false);
      assert.equal((await mx.mailbox(upn))?.hiddenFromAddressLists, false);

      await mx.setForwarding(upn, { to: "someone@elsewhere.example", keepCopy: true });
      const forwarded = await mx.mailbox(upn);
      assert.equal(forwarded?.forwardingTo, "someone@elsewhere.example");
      assert.equal(forwarded?.deliverToMailboxAndForward, true);
      await mx.setForwarding(upn, undefined);
      assert.equal((await mx.mailbox(upn))?.forwardingTo, undefined);

      const list = opened.fixtures.list!;
      const address = (await mx.mailbox(upn))!.primarySmtpAddress;
      if ((await mx.listMembers(list)).includes(address)) await mx.removeListMember(list, upn);
      await mx.addListMember(list, upn);
      assert.ok((await mx.listMembers(list)).includes(address));
      await mx.removeListMember(list, upn);
      assert.ok(!(await mx.listMembers(list)).includes(address));
    });
  });
}
