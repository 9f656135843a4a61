import "@fastify/cookie";
import type { FastifyReply } from "fastify";

/** The session cookie's name; its value is `lcs_<id>.<secret>` (src/staff/sessions.ts). */
export const sessionCookieName = "lc_session";

export interface CookieSession {
  cookie: string;
  expiresAt: Date;
}

/**
 * HttpOnly so page scripts never read it, SameSite=Lax so another site's form cannot carry it on a POST
 * (CSRF tokens guard the rest), Secure whenever the server is reached over https.
 */
export function setSessionCookie(reply: FastifyReply, session: CookieSession, secure: boolean): void {
  void reply.setCookie(sessionCookieName, session.cookie, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure,
    expires: session.expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  void reply.clearCookie(sessionCookieName, { path: "/", httpOnly: true, sameSite: "lax", secure });
}
