import { createHmac, timingSafeEqual } from "node:crypto";
import { isObject } from "./json.ts";

/**
 * JWT-shaped tokens. Real access tokens are RS256-signed by the identity platform; clients never
 * verify them, so an HMAC under a per-emulator key gives the same shape and still lets the emulator
 * tell its own tokens from forged ones.
 */

export type Claims = Record<string, unknown>;

const b64 = (value: string | Buffer): string => Buffer.from(value).toString("base64url");

export function signJwt(claims: Claims, key: Buffer): string {
  const header = b64(JSON.stringify({ typ: "JWT", alg: "RS256", x5t: "emulator", kid: "emulator" }));
  const payload = b64(JSON.stringify(claims));
  const signature = createHmac("sha256", key).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

export interface DecodedJwt {
  header: Claims;
  claims: Claims;
  signingInput: string;
  signature: string;
}

/** Splits and parses without checking the signature; undefined when it is not a JWT at all. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  try {
    const header: unknown = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    const claims: unknown = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
    if (!isObject(header) || !isObject(claims)) return undefined;
    return { header, claims, signingInput: `${h}.${p}`, signature: s };
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

export function verifyJwt(decoded: DecodedJwt, key: Buffer): boolean {
  const expected = Buffer.from(createHmac("sha256", key).update(decoded.signingInput).digest("base64url"));
  const actual = Buffer.from(decoded.signature);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
