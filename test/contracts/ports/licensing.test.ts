import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { providing, type Opened } from "./harnesses.ts";

for (const harness of providing("licensing")) {
  describe(`licensing port: ${harness.connector.id}`, () => {
    let opened: Opened;
    before(async () => (opened = await harness.open()));
    after(async () => opened.close());

    test("a licence assigned takes a seat and reads back; removed, it is gone", async () => {
      const { licensing, directory } = opened.ports;
      assert.ok(licensing && directory, "a licensing connector reads users too");
      const sku = (await licensing.skus()).find((s) => s.skuPartNumber === opened.fixtures.sku);
      assert.ok(sku, `the tenant has ${opened.fixtures.sku}`);
      const user = await directory.findUser(opened.fixtures.existingUser);
      assert.ok(user);
      await licensing.remove(
        user.id,
        (await licensing.assignedSkuIds(user.id)).filter((id) => id === sku.skuId),
      );
      const consumed = (await licensing.skus()).find((s) => s.skuId === sku.skuId)?.consumed ?? 0;
      await licensing.assign(user.id, sku.skuId);
      assert.ok((await licensing.assignedSkuIds(user.id)).includes(sku.skuId));
      assert.equal((await licensing.skus()).find((s) => s.skuId === sku.skuId)?.consumed, consumed + 1);
      await licensing.remove(user.id, [sku.skuId]);
      assert.ok(!(await licensing.assignedSkuIds(user.id)).includes(sku.skuId));
    });
  });
}
