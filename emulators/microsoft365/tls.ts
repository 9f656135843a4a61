import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * A self-signed certificate for 127.0.0.1 and localhost, for tests only: MSAL refuses http
 * authorities, so a client that uses MSAL's own network stack needs the emulator on HTTPS and this
 * certificate trusted (NODE_EXTRA_CA_CERTS=<devTlsCertPath>, read by Node at start-up). The key is
 * public on purpose; never use it for anything else.
 */

export const devTlsCertPath = fileURLToPath(new URL("./tls/dev-cert.pem", import.meta.url));
export const devTlsKeyPath = fileURLToPath(new URL("./tls/dev-key.pem", import.meta.url));

export function devTls(): { key: Buffer; cert: Buffer } {
  return { key: readFileSync(devTlsKeyPath), cert: readFileSync(devTlsCertPath) };
}
