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

    test("assignment states tell a direct licence from one through a group, which the group names", async (t) => {
      const { licensing, directory } = opened.ports;
      assert.ok(licensing && directory);
      if (!opened.fixtures.licenseGroup) return t.skip("no group-based licensing here");
      const sku = (await licensing.skus()).find((s) => s.skuPartNumber === opened.fixtures.sku);
      const user = await directory.findUser(opened.fixtures.existingUser);
      const group = await directory.findGroup(opened.fixtures.licenseGroup);
      assert.ok(sku && user && group);
      assert.deepEqual(group.licenseSkuIds, [sku.skuId]);
      await licensing.assign(user.id, sku.skuId);
      const direct = (await licensing.assignmentStates(user.id)).filter((s) => s.skuId === sku.skuId);
      assert.deepEqual(direct, [{ skuId: sku.skuId, state: "Active" }], "direct: no group, no error");

      await directory.addMember(group.id, user.id);
      try {
        const states = await licensing.assignmentStates(user.id);
        const viaGroup = states.find((s) => s.assignedByGroup === group.id);
        assert.deepEqual(viaGroup, { skuId: sku.skuId, assignedByGroup: group.id, state: "Active" });
        await licensing.reprocessGroupLicenses(user.id);
        assert.deepEqual(
          await licensing.assignmentStates(user.id),
          states,
          "nothing to mend, nothing changes",
        );
      } finally {
        await directory.removeMember(group.id, user.id);
      }
      assert.ok(!(await licensing.assignmentStates(user.id)).some((s) => s.assignedByGroup === group.id));
    });
  });
}
