export interface Day {
  date: string;
  runsStarted: number;
  stepsAutomated: number;
}

const width = 620;
const height = 140;
const axis = 18;

/**
 * The month's steps automated per day, as bars: hand-drawn SVG, no chart library for thirty rectangles.
 * A screen reader gets the summary in the caption; the month's figures are in the tiles above.
 */
export function DailyChart({ days, month }: { days: readonly Day[]; month: string }) {
  const max = Math.max(1, ...days.map((d) => d.stepsAutomated));
  const slot = days.length ? width / days.length : width;
  const bar = Math.max(2, slot * 0.7);
  const total = days.reduce((n, d) => n + d.stepsAutomated, 0);
  const busiest = days.reduce<Day | undefined>(
    (best, d) => (d.stepsAutomated > (best?.stepsAutomated ?? 0) ? d : best),
    undefined,
  );
  const summary = busiest
    ? `${total} steps automated in ${month}; the most, ${busiest.stepsAutomated}, on ${busiest.date}.`
    : `No steps automated in ${month} yet.`;
  return (
    <figure className="chart">
      {/* The caption says it in words; the bars' titles are for pointing at one. */}
      <svg viewBox={`0 0 ${width} ${height + axis}`} aria-hidden="true">
        <line x1={0} x2={width} y1={height} y2={height} className="chart-axis" />
        {days.map((d, i) => {
          const h = (d.stepsAutomated / max) * (height - 8);
          const x = i * slot + (slot - bar) / 2;
          return (
            <g key={d.date}>
              <rect x={x} y={height - h} width={bar} height={h} className="chart-bar" rx={1.5}>
                <title>{`${d.date}: ${d.stepsAutomated} steps, ${d.runsStarted} runs started`}</title>
              </rect>
              {i === 0 || (i + 1) % 7 === 0 ? (
                <text x={x + bar / 2} y={height + axis - 4} textAnchor="middle" className="chart-label">
                  {Number(d.date.slice(8, 10))}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption className="muted">{summary}</figcaption>
    </figure>
  );
}
