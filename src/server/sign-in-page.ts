import { escape, page } from "./html-page.ts";
import { minPasswordLength } from "../staff/index.ts";

/** The sign-in link's page: choose a password; posting it spends the link and signs in. */
export function signInLinkPage(token: string, problem?: string): string {
  return page(
    "Choose your password",
    `${problem ? `<p role="alert"><strong>${escape(problem)}</strong></p>` : ""}
<p>This link signs you in to Lifecycle once. Choose the password you will sign in with from now on
(at least ${minPasswordLength} characters).</p>
<form method="post" action="/sign-in/${encodeURIComponent(token)}">
<p><label>Password<br><input type="password" name="password" autocomplete="new-password" required minlength="${minPasswordLength}"></label></p>
<p><label>The same again<br><input type="password" name="confirm" autocomplete="new-password" required></label></p>
<button type="submit">Set password and sign in</button></form>`,
  );
}

export function signedInPage(email: string): string {
  return page(
    "Signed in",
    `<p>You are signed in as ${escape(email)}, and your password is set. Sign in with it from now on.</p>`,
  );
}

export function signInLinkRefusedPage(): string {
  return page(
    "Link not usable",
    "<p>This sign-in link is unknown, already used or expired. Ask an admin for a new one " +
      "(<code>lifecycle staff link &lt;address&gt;</code>).</p>",
  );
}
