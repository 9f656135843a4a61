import type { Capabilities, OneTimeLinks } from "../../src/ports/index.ts";
import type { StepContext } from "../../src/actions/define.ts";
import { graphCapabilities, TokenSource } from "../../src/connectors/msgraph/index.ts";
import { parseClient } from "../../src/composition/index.ts";
import type { ClientConfig } from "../../src/domain/client.ts";
import { demoClients } from "../../emulators/demo/clients.ts";
import { acme, type Microsoft365Emulator } from "../../emulators/microsoft365/index.ts";

/** Links kept in memory: enough to prove a secret went to a link and nowhere else. */
export function memoryLinks(): OneTimeLinks & { secrets: Map<string, string> } {
  const secrets = new Map<string, string>();
  return {
    secrets,
    async share(key, secret) {
      secrets.set(key, secret);
      return { url: `https://lifecycle.test/credentials/${encodeURIComponent(key)}` };
    },
  };
}

/** Acme's connectors, pointed at an emulator. */
export function acmeCapabilities(
  m365: Microsoft365Emulator,
  links: OneTimeLinks = memoryLinks(),
): Capabilities {
  const tokens = new TokenSource({ authorityHost: m365.url });
  return {
    ...graphCapabilities(tokens, {
      tenantId: acme.tenantId,
      credential: { clientId: acme.clientId, clientSecret: acme.clientSecret },
      graphUrl: m365.url,
      exchangeUrl: m365.url,
    }),
    oneTimeLinks: links,
  };
}

/** The demo's Acme configuration, as `npm start` seeds it. */
export function demoAcme(): ClientConfig {
  const parsed = parseClient(demoClients.find((c) => c.id === "acme"));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

/** What the engine hands a step, for calling an action's plan / apply / verify directly. */
export function stepContext(
  caps: Capabilities,
  key = "k",
  extra: Partial<StepContext<Capabilities>> & {
    runId?: string;
    outputs?: Record<string, Record<string, unknown>>;
  } = {},
): StepContext<Capabilities> {
  const { outputs, runId = "run", ...rest } = extra;
  return {
    caps,
    idempotencyKey: `${runId}:${key}`,
    runId,
    actionKey: key,
    attempt: 1,
    inDoubt: false,
    signal: new AbortController().signal,
    attemptStartedAt: new Date(),
    runStartAt: new Date(Date.now() - 1000),
    output: (dep) => outputs?.[dep],
    ...rest,
  };
}
