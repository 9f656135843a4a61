import { z } from "zod";
import { defineConnector } from "../../../../src/connectors/module.ts";
import { memoryDirectory, memoryMailer, memoryTenant, type MemoryTenant } from "./directory.ts";

/**
 * A test-only connector: a directory and mailer held in memory, to show that a vendor is one folder and
 * one registry line. Its tenants live in the runtime's shared map, as a real connector's token caches do.
 */
export const memoryDirectoryConnector = defineConnector({
  id: "memory-directory",
  system: "identity",
  title: "In-memory directory (tests)",
  config: z.strictObject({ tenant: z.string().min(1), groups: z.array(z.string()).default([]) }),
  credential: { kind: "memory-token", schema: z.strictObject({ token: z.string().min(8) }) },
  provides: ["directory", "mailSender"],
  limits: { concurrency: 2, ratePerSecond: 50 },
  build(config, _credential, runtime) {
    const tenant = runtime.shared<MemoryTenant>(`memory-directory\u0000${config.tenant}`, () =>
      memoryTenant(config.groups),
    );
    return { directory: memoryDirectory(tenant), mailSender: memoryMailer(tenant) };
  },
});
