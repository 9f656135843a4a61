/**
 * "GLOBEX\\Tom.Williams" and "tom.williams@globex.de" → "tom.williams": a sign-in name without case or
 * domain. Device agents report the NetBIOS form, the directory the address; comparing both this way is
 * how an RMM's "last logged-in user" is matched to a person.
 */
export function accountName(signIn: string): string {
  const name = signIn.trim().toLowerCase();
  const afterDomain = name.slice(name.lastIndexOf("\\") + 1);
  const at = afterDomain.indexOf("@");
  return at > 0 ? afterDomain.slice(0, at) : afterDomain;
}
