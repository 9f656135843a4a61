import { authMethodRoutes } from "./auth-methods.ts";
import { deviceRoutes } from "./devices.ts";
import { groupRoutes } from "./groups.ts";
import { licenseRoutes } from "./licenses.ts";
import { mailFolderRoutes } from "./mail-folders.ts";
import { mailboxRoutes } from "./mailbox.ts";
import { managerRoutes } from "./manager.ts";
import { memberOfRoutes } from "./member-of.ts";
import type { GraphRoute } from "./route.ts";
import { userRoutes } from "./users.ts";

/** Every Graph route the emulator serves ($batch aside, which replays these). */
export const graphRoutes: readonly GraphRoute[] = [
  ...userRoutes,
  ...managerRoutes,
  ...memberOfRoutes,
  ...groupRoutes,
  ...licenseRoutes,
  ...authMethodRoutes,
  ...mailboxRoutes,
  ...mailFolderRoutes,
  ...deviceRoutes,
];
