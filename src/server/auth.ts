import { createHash, timingSafeEqual } from "node:crypto";
import type { onRequestAsyncHookHandler } from "fastify";
import { ApiError } from "./errors.ts";

// Hashing first gives both sides the same length, so the comparison's time says nothing about the
// token's length or how many leading characters a guess got right.
const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Rejects any request without `Authorization: Bearer <apiToken>`. */
export function bearerAuth(apiToken: string): onRequestAsyncHookHandler {
  return async (request, reply) => {
    const header = request.headers.authorization ?? "";
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (match?.[1] && tokenMatches(match[1], apiToken)) return;
    reply.header("www-authenticate", 'Bearer realm="lifecycle"');
    throw new ApiError(
      "LC_ERR_UNAUTHENTICATED",
      header ? "the bearer token is not valid" : "send an Authorization: Bearer <token> header",
    );
  };
}
