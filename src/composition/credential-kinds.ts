import type { Connector } from "../connectors/module.ts";
import { connectors } from "../connectors/registry.ts";
import type { CredentialKinds } from "../credentials/kinds.ts";

/** The credential kinds the connectors declare; connectors sharing a kind (Graph, Exchange) share its schema. */
export function credentialKindsOf(registry: readonly Connector[] = connectors): CredentialKinds {
  const kinds = new Map<string, Connector["credential"] & object>();
  for (const c of registry)
    if (c.credential && !kinds.has(c.credential.kind)) kinds.set(c.credential.kind, c.credential);
  return new Map([...kinds].map(([kind, { schema }]) => [kind, schema]));
}

export const credentialKinds = credentialKindsOf();
