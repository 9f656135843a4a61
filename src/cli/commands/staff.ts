import { Command } from "commander";
import { staffRoles, type StaffRole } from "../../domain/staff-roles.ts";
import type { StaffAccount, TokenInfo } from "../../staff/index.ts";
import { CliError, exitCodes } from "../api.ts";
import type { CliContext } from "./context.ts";

const role = (v: string): StaffRole => {
  const r = staffRoles.find((x) => x === v);
  if (!r) throw new CliError(`--role must be one of ${staffRoles.join(", ")}, got "${v}"`, exitCodes.invalid);
  return r;
};
const clients = (v: string) =>
  v
    .split(",")
    .map((c) => c.trim())
    .filter(Boolean);
const scope = (c: StaffAccount["clients"]) => (c === "all" ? "all clients" : c.join(", "));

/** A link made without a server is a path: the address the server is reached at goes before it. */
function fullLink(ctx: CliContext, link: string): string {
  if (!link.startsWith("/")) return link;
  const base = ctx.env.LIFECYCLE_PUBLIC_URL || `http://127.0.0.1:${ctx.env.PORT ?? 3000}`;
  return `${base.replace(/\/+$/, "")}${link}`;
}

async function withApi<T>(
  ctx: CliContext,
  fn: (api: Awaited<ReturnType<CliContext["connect"]>>) => Promise<T>,
) {
  const api = await ctx.connect({ worker: false });
  try {
    return await fn(api);
  } finally {
    await api.close();
  }
}

const accountLine = (a: StaffAccount) =>
  `${a.email}  ${a.role}  ${scope(a.clients)}${a.disabledAt ? "  disabled" : a.hasPassword ? "" : "  (no password yet)"}`;
const tokenLine = (t: TokenInfo) =>
  `${t.id}  ${t.name}  ${t.owner}  ${t.role}  ${scope(t.clients)}  expires ${t.expiresAt.toISOString().slice(0, 10)}${
    t.revokedAt ? "  revoked" : ""
  }`;

/** Staff accounts and personal API tokens: who may sign in, and what automation signs in with. */
export function staffCommands(ctx: CliContext): Command[] {
  const staff = new Command("staff").description("staff accounts: add, list, disable, a new sign-in link");
  staff
    .command("add <email>")
    .description("add a staff account; prints a one-time sign-in link (a day) for them to choose a password")
    .requiredOption("--role <role>", `one of ${staffRoles.join(", ")}`, role)
    .option("--clients <ids>", "only these clients (comma-separated); all when left out", clients)
    .option("--name <displayName>")
    .action(async (email: string, o: { role: StaffRole; clients?: string[]; name?: string }) => {
      const made = await withApi(ctx, (api) =>
        api.addStaff({
          email,
          role: o.role,
          ...(o.clients ? { clients: o.clients } : {}),
          ...(o.name ? { displayName: o.name } : {}),
        }),
      );
      ctx.out(
        `${accountLine(made.account)}\nsign-in link (once, within a day): ${fullLink(ctx, made.signInLink)}`,
      );
    });
  staff
    .command("list")
    .option("--json")
    .action(async (o: { json?: boolean }) => {
      const list = await withApi(ctx, (api) => api.listStaff());
      ctx.out(o.json ? JSON.stringify(list, null, 2) : list.map(accountLine).join("\n"));
    });
  staff
    .command("disable <email>")
    .description("disable an account: its sessions and tokens stop at once")
    .action(async (email: string) => {
      ctx.out(accountLine(await withApi(ctx, (api) => api.disableStaff(email))));
    });
  staff
    .command("link <email>")
    .description("a new one-time sign-in link for an account (a forgotten password)")
    .action(async (email: string) => {
      ctx.out(fullLink(ctx, await withApi(ctx, (api) => api.staffSignInLink(email))));
    });

  const tokens = new Command("tokens").description("personal API tokens: create, list, revoke");
  tokens
    .command("create <name>")
    .description("a token for automation (LIFECYCLE_TOKEN=<token>); shown once")
    .option("--role <role>", "narrower than yours", role)
    .option("--clients <ids>", "only these clients (comma-separated)", clients)
    .option("--days <n>", "valid for this many days (1-365, default 90)", (v) => Number(v))
    .action(async (name: string, o: { role?: StaffRole; clients?: string[]; days?: number }) => {
      const made = await withApi(ctx, (api) =>
        api.createToken({
          name,
          ...(o.role ? { role: o.role } : {}),
          ...(o.clients ? { clients: o.clients } : {}),
          ...(o.days !== undefined ? { expiresInDays: o.days } : {}),
        }),
      );
      ctx.out(`${tokenLine(made.info)}\n${made.token}\n(shown once: keep it in your secret store)`);
    });
  tokens
    .command("list")
    .option("--all", "every account's (admins)")
    .option("--json")
    .action(async (o: { all?: boolean; json?: boolean }) => {
      const list = await withApi(ctx, (api) => api.listTokens(o.all ?? false));
      ctx.out(o.json ? JSON.stringify(list, null, 2) : list.map(tokenLine).join("\n"));
    });
  tokens.command("revoke <id>").action(async (id: string) => {
    ctx.out(tokenLine(await withApi(ctx, (api) => api.revokeToken(id))));
  });
  return [staff, tokens];
}
