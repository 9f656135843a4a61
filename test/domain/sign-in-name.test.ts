import assert from "node:assert/strict";
import { test } from "node:test";
import { accountName } from "../../src/domain/sign-in-name.ts";

test("sign-in names compare without case, NetBIOS domain or address domain", () => {
  assert.equal(accountName("GLOBEX\\Tom.Williams"), "tom.williams");
  assert.equal(accountName("tom.williams"), "tom.williams");
  assert.equal(accountName("Tom.Williams@globex.de"), "tom.williams");
  assert.equal(accountName(" Sarah.Johnson "), "sarah.johnson");
  assert.notEqual(accountName("GLOBEX\\tom.wilson"), "tom.williams");
});
