import type { ApprovalLinkUnavailable, ApprovalView } from "../composition/approval-links.ts";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

// Phone-sized, and no script: the page must work under the server's strict content security policy, and
// only the form's post (which a mail scanner's prefetch never sends) decides anything.
function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escape(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:1.5rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem;overflow-wrap:anywhere}ol,ul{padding-left:1.4rem}li{margin:.2rem 0}
code{font-size:.8rem;word-break:break-all;background:#f2f2f2;padding:.1rem .3rem;border-radius:.3rem}
textarea{width:100%;box-sizing:border-box;font:inherit;min-height:4rem}
.actions{display:flex;gap:.6rem;margin-top:.8rem}
button{font:inherit;flex:1;padding:.8rem;border:0;border-radius:.4rem;color:#fff;cursor:pointer}
.approve{background:#1a7f37}.reject{background:#b42318}
.error{color:#b42318}.warning{color:#8a5a00}.info{color:#555}.note{color:#555;font-size:.9rem}</style></head>
<body><h1>${escape(title)}</h1>${body}</body></html>`;
}

const kindWord = (kind: "onboard" | "offboard") => (kind === "onboard" ? "onboarding" : "offboarding");

/** The plan as it will run, who asked, what planning found, and the form that approves or rejects it. */
export function approvalPage(view: ApprovalView, token: string): string {
  const { run, link } = view;
  const steps = run.steps.map((s) => `<li>${escape(s.title)}</li>`).join("");
  const findings = run.findings.length
    ? `<h2>What the pre-flight found</h2><ul>${run.findings
        .map(
          (f) =>
            `<li class="${escape(f.severity)}"><strong>${escape(f.severity)}</strong> ${escape(f.field)}: ${escape(f.message)}</li>`,
        )
        .join("")}</ul>`
    : "<p>The pre-flight found nothing to report.</p>";
  const as = view.approverAs === "manager" ? " as the manager" : "";
  return page(
    `Approve the ${kindWord(run.kind)} of ${run.subject}?`,
    `<p>${escape(run.client)}: ${escape(run.requester)} asked for the ${kindWord(run.kind)} of <strong>${escape(run.subject)}</strong>. ` +
      `You (${escape(link.approver)}) are asked to approve it${as}. Nothing is changed until it is approved.</p>
<h2>The plan</h2><ol>${steps}</ol>${findings}
<p class="note">Plan hash <code>${escape(run.planHash)}</code>: approving approves this plan only.</p>
<form method="post" action="/approvals/${encodeURIComponent(token)}">
<input type="hidden" name="planHash" value="${escape(run.planHash)}">
<label for="note">Note (optional)</label><textarea id="note" name="note" maxlength="2000"></textarea>
<div class="actions"><button class="approve" type="submit" name="decision" value="approve">Approve</button>
<button class="reject" type="submit" name="decision" value="reject">Reject</button></div></form>
<p class="note">This link takes one answer and stops working at ${escape(utc(link.expiresAt))}.</p>`,
  );
}

export function answeredPage(decision: "approve" | "reject"): string {
  return decision === "approve"
    ? page("Approved", "<p>Thank you: the run goes ahead as planned. This link is now used up.</p>")
    : page("Rejected", "<p>Thank you: the run will not go ahead. This link is now used up.</p>");
}

export function unavailableApprovalPage(state: ApprovalLinkUnavailable): string {
  switch (state.kind) {
    case "not-found":
      return page("Link not found", "<p>This link does not exist. Check that it was copied whole.</p>");
    case "used":
      return page(
        "Already answered",
        `<p>This link was used to ${state.decision} at ${escape(utc(state.usedAt))}, and takes no other answer. ` +
          "If that was not you, tell your IT team at once.</p>",
      );
    case "expired":
      return page(
        "Link expired",
        `<p>This link expired at ${escape(utc(state.link.expiresAt))}. Ask your IT team to ask again.</p>`,
      );
    case "decided":
      return page(
        "Nothing to approve",
        "<p>This run no longer waits for approval: it was decided, or cancelled, another way.</p>",
      );
  }
}

/** A decision the run refused: the plan changed, or this approver may not decide. Nothing was recorded. */
export function refusedPage(message: string): string {
  return page(
    "Not recorded",
    `<p>${escape(message)}</p><p>Nothing was recorded, and the link still works: open it again to see the plan as it is now.</p>`,
  );
}
