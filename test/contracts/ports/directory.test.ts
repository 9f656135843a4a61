import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { LifecycleError } from "../../../src/domain/errors.ts";
import type { IdentityDirectory } from "../../../src/ports/index.ts";
import { providing, type Fixtures, type Opened } from "./harnesses.ts";

const isKind = (kind: string) => (err: unknown) => err instanceof LifecycleError && err.failure.kind === kind;

for (const harness of providing("directory")) {
  describe(`directory port: ${harness.connector.id}`, () => {
    let opened: Opened;
    let dir: IdentityDirectory;
    let f: Fixtures;
    before(async () => {
      opened = await harness.open();
      dir = opened.ports.directory!;
      f = opened.fixtures;
    });
    after(async () => opened.close());

    test("a created user is what a find returns; a second create of the name is a conflict", async () => {
      const upn = `contract.create@${f.domain}`;
      const created = await dir.createUser({
        upn,
        displayName: "Contract Create",
        givenName: "Contract",
        surname: "Create",
        mailNickname: "contract.create",
        usageLocation: "US",
        department: "Marketing",
        password: `Pw-${Math.random()}-x9!A`,
      });
      const found = await dir.findUser(upn);
      assert.equal(found?.id, created.id);
      assert.equal(found?.userPrincipalName.toLowerCase(), upn);
      assert.equal(found?.accountEnabled, true);
      assert.equal(await dir.findUser(`nobody.here@${f.domain}`), undefined);
      await assert.rejects(
        dir.createUser({
          upn,
          displayName: "Again",
          givenName: "A",
          surname: "B",
          mailNickname: "again",
          usageLocation: "US",
          password: `Pw-${Math.random()}-x9!A`,
        }),
        isKind("conflict"),
      );
    });

    test("a people search finds by the start of a name or sign-in name, at most the limit, none for a stranger", async () => {
      const existing = await dir.findUser(f.existingUser);
      assert.ok(existing);
      const local = f.existingUser.split("@")[0]!;
      const byUpn = await dir.searchPeople(local.slice(0, 3), 10);
      assert.ok(
        byUpn.some((p) => p.userPrincipalName.toLowerCase() === f.existingUser.toLowerCase()),
        JSON.stringify(byUpn),
      );
      const first = existing.displayName.split(" ")[0]!;
      const byName = await dir.searchPeople(first.toUpperCase(), 10);
      assert.ok(
        byName.some((p) => p.id === existing.id),
        JSON.stringify(byName),
      );
      assert.ok(byName.every((p) => p.displayName && p.userPrincipalName));
      assert.deepEqual(await dir.searchPeople("zzqxnobody", 10), []);
      assert.ok((await dir.searchPeople(local.slice(0, 1), 1)).length <= 1);
    });

    test("manager, group membership, sign-in and deletion read back as they were set", async () => {
      const upn = `contract.member@${f.domain}`;
      const user = await dir.createUser({
        upn,
        displayName: "Contract Member",
        givenName: "Contract",
        surname: "Member",
        mailNickname: "contract.member",
        usageLocation: "US",
        password: `Pw-${Math.random()}-x9!A`,
      });
      const manager = await dir.findUser(f.existingUser);
      assert.ok(manager);
      await dir.setManager(user.id, manager.id);
      assert.equal((await dir.getManager(user.id))?.id, manager.id);

      const group = await dir.findGroup(f.group);
      assert.ok(group, `group ${f.group}`);
      await dir.addMember(group.id, user.id);
      assert.ok((await dir.groupsOf(user.id)).some((g) => g.id === group.id));
      await assert.rejects(dir.addMember(group.id, user.id), isKind("conflict"), "already a member");
      await dir.removeMember(group.id, user.id);
      assert.ok(!(await dir.groupsOf(user.id)).some((g) => g.id === group.id));
      await assert.rejects(dir.removeMember(group.id, user.id), isKind("not-found"), "not a member");

      const before = Date.now() - 5_000;
      await dir.revokeSessions(user.id);
      const revoked = await dir.findUser(upn);
      assert.ok(
        Date.parse(revoked?.signInSessionsValidFromDateTime ?? "") >= before,
        "sessions valid from now",
      );
      await dir.setAccountEnabled(user.id, false);
      assert.equal((await dir.findUser(upn))?.accountEnabled, false);

      await dir.deleteUser(user.id);
      assert.equal(await dir.findUser(upn), undefined);
    });
  });
}
