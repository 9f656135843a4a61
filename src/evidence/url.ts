/** Where a person opens a run's report as a page: what the final ticket note links to. */
export function reportUrl(
  publicUrl: string,
  runId: string,
  format: "html" | "json" | "pdf" = "html",
): string {
  return `${publicUrl.replace(/\/+$/, "")}/api/runs/${encodeURIComponent(runId)}/report?format=${format}`;
}
