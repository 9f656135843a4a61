import type { Connector } from "../connectors/module.ts";
import { connectors } from "../connectors/registry.ts";
import { parseClientConfig, type ClientConfig } from "../domain/client.ts";
import type { Result } from "../domain/result.ts";
import { checkSystems } from "./systems.ts";

/**
 * A client config as a person or file gives it, checked all the way: the domain's rules, then each system
 * section by its connector's own schema. What is saved has passed both.
 */
export function parseClient(
  input: unknown,
  registry: readonly Connector[] = connectors,
): Result<ClientConfig> {
  const parsed = parseClientConfig(input);
  return parsed.ok ? checkSystems(parsed.value, registry) : parsed;
}
