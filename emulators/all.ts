import type { EmulatorDefinition } from "./kit/launcher.ts";
import { autotask } from "./autotask/launch.ts";
import { connectwiseEmulator } from "./connectwise/launch.ts";
import { dattoRmm } from "./datto-rmm/launch.ts";
import { halopsa } from "./halopsa/launch.ts";
import { huduEmulator } from "./hudu/launch.ts";
import { itglue } from "./itglue/launch.ts";
import { microsoft365 } from "./microsoft365/launch.ts";
import { ninjaone } from "./ninjaone/launch.ts";

/** Every emulator the launcher knows; a new vendor is one line here. Each has its own default port. */
export const emulators: EmulatorDefinition[] = [
  microsoft365,
  halopsa,
  connectwiseEmulator,
  autotask,
  dattoRmm,
  itglue,
  huduEmulator,
  ninjaone,
];
