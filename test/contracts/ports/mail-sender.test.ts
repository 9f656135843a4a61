import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { providing, type Opened } from "./harnesses.ts";

for (const harness of providing("mailSender")) {
  describe(`mailSender port: ${harness.connector.id}`, () => {
    let opened: Opened;
    before(async () => (opened = await harness.open()));
    after(async () => opened.close());

    test("a sent message is found by its key, and only by its key", async () => {
      const mail = opened.ports.mailSender!;
      const from = opened.fixtures.sender!;
      const key = `contract:${randomUUID()}`;
      assert.equal(await mail.findSent(from, key), undefined, "nothing before the send");
      await mail.send(from, {
        to: [opened.fixtures.existingUser],
        subject: "Contract",
        html: "<p>hi</p>",
        idempotencyKey: key,
      });
      let found = await mail.findSent(from, key);
      for (let i = 0; !found && i < 50; i++) {
        await new Promise((r) => setTimeout(r, 100));
        found = await mail.findSent(from, key);
      }
      assert.ok(found?.messageId, "the sent copy is found");
      assert.equal(await mail.findSent(from, `contract:${randomUUID()}`), undefined);
    });
  });
}
