import { createMemoryHistory, createRootRoute, createRouter, RouterProvider } from "@tanstack/react-router";
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { DashboardView, minutesInWords, type DashboardData } from "./Dashboard";

const data: DashboardData = {
  month: "2026-12",
  timeZone: "UTC",
  counts: { inFlight: 2, awaitingApproval: 1, scheduled: 3, waiting: 1, failed: 4 },
  waiting: [
    {
      runId: "r1",
      clientId: "acme",
      kind: "onboard",
      subject: "sarah.johnson@acmecorp.com",
      key: "licence",
      title: "Assign SPB",
      type: "licensing.assign-license",
      reason: "a free SPB seat",
      needs: "person",
      until: "2026-12-02T13:00:00.000Z",
      since: "2026-12-02T12:00:00.000Z",
    },
  ],
  impact: { onboardings: 12, offboardings: 5, stepsAutomated: 231, minutesSaved: 1155, missedSteps: 3 },
  missedSteps: [],
  daily: Array.from({ length: 31 }, (_, i) => ({
    date: `2026-12-${String(i + 1).padStart(2, "0")}`,
    runsStarted: i === 1 ? 3 : 0,
    stepsAutomated: i === 1 ? 40 : i === 4 ? 12 : 0,
  })),
};

// Links need a router around them; one root route rendering the view is enough.
function renderInRouter() {
  const rootRoute = createRootRoute({ component: () => <DashboardView data={data} /> });
  const router = createRouter({ routeTree: rootRoute, history: createMemoryHistory() });
  return render(<RouterProvider router={router} />);
}

describe("the dashboard", () => {
  it("shows the runs by state and the month's impact, time saved in words", async () => {
    renderInRouter();
    const now = await screen.findByRole("list", { name: "Runs now" });
    const tiles = within(now)
      .getAllByRole("listitem")
      .map((li) => `${li.querySelector(".label")?.textContent}=${li.querySelector(".value")?.textContent}`);
    expect(tiles).toEqual(["In flight=2", "Awaiting approval=1", "Scheduled=3", "Waiting=1", "Failed=4"]);
    const impact = screen.getByRole("list", { name: "Impact in December 2026" });
    expect(within(impact).getByText("Time saved").previousSibling?.textContent).toBe("19 h 15 min");
    expect(within(impact).getByText("Steps automated").previousSibling?.textContent).toBe("231");
    expect(screen.getByText(/waits for a free SPB seat/).textContent).toContain("Assign SPB");
    expect(screen.getByText(/someone has to act/)).toBeTruthy();
  });

  it("draws a bar a day, the tallest the busiest day, and says so in words", async () => {
    const { container } = renderInRouter();
    await screen.findByRole("list", { name: "Runs now" });
    const bars = [...container.querySelectorAll("rect.chart-bar")];
    expect(bars).toHaveLength(31);
    const heights = bars.map((b) => Number(b.getAttribute("height")));
    expect(Math.max(...heights)).toBe(heights[1]);
    expect(heights[4]).toBeCloseTo((heights[1] ?? 0) * (12 / 40));
    expect(screen.getByText(/52 steps automated in December 2026; the most, 40, on 2026-12-02/)).toBeTruthy();
  });

  it("says minutes as a person would", () => {
    expect([45, 60, 200, 1440, 1500].map(minutesInWords)).toEqual([
      "45 min",
      "1 h",
      "3 h 20 min",
      "1 d",
      "1 d 1 h",
    ]);
  });
});
