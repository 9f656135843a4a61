import { connectors } from "../connectors/registry.ts";
import { credentialRef, type ClientConfig } from "../domain/client.ts";
import { connectorSection } from "./systems.ts";

// A system's credential is an id in the credential store, never a secret; but a row written around the
// config validation could hold anything, so only what its connector's schema knows is ever sent.
export function publicSystems(config: ClientConfig): ClientConfig["systems"] {
  return Object.fromEntries(
    Object.entries(config.systems).map(([name, system]) => {
      const { connector, credential, limits } = system;
      const known = connectors.find((c) => c.id === connector)?.config.safeParse(connectorSection(system));
      return [
        name,
        {
          connector,
          ...(known?.success ? (known.data as object) : {}),
          ...(credentialRef.safeParse(credential).success ? { credential } : {}),
          ...(limits ? { limits } : {}),
        },
      ];
    }),
  );
}

export function publicConfig(config: ClientConfig): ClientConfig {
  return { ...config, systems: publicSystems(config) };
}
