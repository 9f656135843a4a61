import { Command } from "commander";
import type { LinkView } from "../../credentials/one-time-links.ts";
import type { CliContext } from "./context.ts";

const line = (l: LinkView) =>
  `${l.linkId}  ${l.state}${l.viewedAt ? ` at ${l.viewedAt.toISOString()}` : ""}${
    l.state === "created" && l.expiresAt ? `, expires ${l.expiresAt.toISOString()}` : ""
  }`;

/** A run's one-time links, by id and state: their addresses are only ever in the messages that carry them. */
export function linksCommand(ctx: CliContext): Command {
  const links = new Command("links").description("a run's one-time links: their states, and re-issuing one");
  links
    .command("list <runId>")
    .option("--json")
    .action(async (runId: string, o: { json?: boolean }) => {
      const api = await ctx.connect({ worker: false });
      try {
        const list = await api.links(runId);
        ctx.out(
          o.json
            ? JSON.stringify(list, null, 2)
            : list.length
              ? list.map(line).join("\n")
              : `run ${runId} has no one-time link`,
        );
      } finally {
        await api.close();
      }
    });
  links
    .command("reissue <runId>")
    .description(
      "revoke the run's one-time link and send a new one the way the first went (the welcome email's recipients)",
    )
    .option("--step <key>", "the step whose link to re-issue, when the run has several")
    .option("--json")
    .action(async (runId: string, o: { step?: string; json?: boolean }) => {
      const api = await ctx.connect({ worker: false });
      try {
        const r = await api.reissueLink(runId, ctx.actor, o.step);
        ctx.out(
          o.json
            ? JSON.stringify(r, null, 2)
            : [
                `revoked ${r.revoked}`,
                `issued ${line(r.link)}`,
                `sent to ${r.sentTo.join(", ")}`,
                ...r.dropped.map((d) => `not sent to ${d.reason}`),
              ].join("\n"),
        );
      } finally {
        await api.close();
      }
    });
  return links;
}
