import type { AuthInfo } from "../auth.ts";
import type { EmulatorContext } from "../context.ts";
import type { JsonObject } from "../json.ts";
import type { LatencyClass } from "../latency.ts";
import type { Tenant } from "../model.ts";
import type { Params } from "./params.ts";

/** One Exchange cmdlet as the admin API's InvokeCommand runs it. */

export interface CmdletCall {
  ctx: EmulatorContext;
  tenant: Tenant;
  auth: AuthInfo;
  params: Params;
  now: number;
}

export interface CmdletResult {
  value: JsonObject[];
  warnings: string[];
}

export interface Cmdlet {
  name: string;
  latency: LatencyClass;
  /** Parameter names in their documented casing; anything else is a binding error. */
  parameters: readonly string[];
  run(call: CmdletCall): CmdletResult;
}

export const ok = (value: JsonObject[] = [], warnings: string[] = []): CmdletResult => ({ value, warnings });

export const noChange = (identity: string): string =>
  `The command completed successfully but no settings of '${identity}' have been modified.`;
