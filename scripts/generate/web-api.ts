// The console's API types, generated from the server's own OpenAPI document so the two cannot drift:
// `node --import tsx scripts/generate/web-api.ts` rewrites web/src/api/schema.d.ts;
// test/contracts/web-api-client.test.ts fails when it is stale.
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { webApiTypes } from "./web-api-types.ts";

const target = fileURLToPath(new URL("../../web/src/api/schema.d.ts", import.meta.url));
await writeFile(target, await webApiTypes());
console.log(`wrote ${target}`);
