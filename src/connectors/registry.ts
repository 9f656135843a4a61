import { autotask } from "./autotask/module.ts";
import { connectwise } from "./connectwise/module.ts";
import { dattoRmmConnector } from "./datto-rmm/module.ts";
import { exchange } from "./exchange/module.ts";
import { halopsa } from "./halopsa/module.ts";
import { hudu } from "./hudu/module.ts";
import { itglue } from "./itglue/module.ts";
import type { Connector } from "./module.ts";
import { msgraph } from "./msgraph/module.ts";
import { ninjaone } from "./ninjaone/module.ts";

/** Every connector the product has: one line per vendor API. */
export const connectors: readonly Connector[] = [
  msgraph,
  exchange,
  halopsa,
  connectwise,
  autotask,
  dattoRmmConnector,
  itglue,
  hudu,
  ninjaone,
];
