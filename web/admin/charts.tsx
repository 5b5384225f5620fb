// Small SVG charts: a daily line chart with a shaded target band, horizontal bars, and stacked verdict bars.
// Hand-drawn SVG keeps the admin bundle small; these three shapes are all the dashboard needs.

const W = 720;
const pct = (x: number) => `${Math.round(x * 100)}%`;

export interface Series {
  name: string;
  color: string;
  values: (number | null)[];
}

/** Rates (0..1) per day; `band` draws the operator's target range behind the lines. */
export function RateChart({ labels, series, band, testId, title }: { labels: string[]; series: Series[]; band?: { low: number; high: number }; testId: string; title: string }) {
  const H = 220;
  const pad = { l: 40, r: 12, t: 12, b: 28 };
  const max = Math.min(1, Math.max(0.3, band?.high ?? 0, ...series.flatMap((s) => s.values.map((v) => v ?? 0))) * 1.1);
  const x = (i: number) => pad.l + (labels.length <= 1 ? 0 : (i * (W - pad.l - pad.r)) / (labels.length - 1));
  const y = (v: number) => pad.t + (1 - v / max) * (H - pad.t - pad.b);
  const ticks = [0, max / 4, max / 2, (3 * max) / 4, max];
  const every = Math.max(1, Math.ceil(labels.length / 8));
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} data-testid={testId}>
        {band && (
          <g data-testid="target-band">
            <rect x={pad.l} width={W - pad.l - pad.r} y={y(band.high)} height={y(band.low) - y(band.high)} className="band" />
            <text x={W - pad.r - 4} y={y(band.high) - 4} textAnchor="end" className="band-label">
              target {pct(band.low)}–{pct(band.high)}
            </text>
          </g>
        )}
        {ticks.map((t) => (
          <g key={t}>
            <line x1={pad.l} x2={W - pad.r} y1={y(t)} y2={y(t)} className="grid" />
            <text x={pad.l - 6} y={y(t) + 4} textAnchor="end" className="tick">
              {pct(t)}
            </text>
          </g>
        ))}
        {labels.map((l, i) =>
          i % every === 0 ? (
            <text key={l} x={x(i)} y={H - 8} textAnchor="middle" className="tick">
              {l.slice(5)}
            </text>
          ) : null,
        )}
        {series.map((s) => {
          const pts = s.values.map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`));
          const segments: string[][] = [[]];
          for (const p of pts) {
            if (p === null) segments.push([]);
            else segments.at(-1)?.push(p);
          }
          return (
            <g key={s.name} data-series={s.name}>
              {segments.filter((seg) => seg.length > 0).map((seg) => (
                <polyline key={seg[0]} points={seg.join(" ")} fill="none" stroke={s.color} strokeWidth={2} />
              ))}
              {s.values.map((v, i) => (v === null ? null : <circle key={labels[i]} cx={x(i)} cy={y(v)} r={2.5} fill={s.color}><title>{`${labels[i]}: ${pct(v)}`}</title></circle>))}
            </g>
          );
        })}
      </svg>
      <div className="legend">
        {series.map((s) => (
          <span key={s.name}>
            <i style={{ background: s.color }} /> {s.name}
          </span>
        ))}
      </div>
    </figure>
  );
}

export function Bars({ rows, testId, title, format = (v) => String(v) }: { rows: { label: string; value: number }[]; testId: string; title: string; format?: (v: number) => string }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const rowH = 24;
  const H = Math.max(rowH, rows.length * rowH) + 4;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {rows.length === 0 ? (
        <p className="muted">Nothing in this range.</p>
      ) : (
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} data-testid={testId}>
          {rows.map((r, i) => (
            <g key={r.label} data-key={r.label} data-value={r.value}>
              <text x={170} y={i * rowH + 16} textAnchor="end" className="tick">
                {r.label}
              </text>
              <rect x={178} y={i * rowH + 4} height={16} width={((W - 260) * r.value) / max} className="bar" rx={3} />
              <text x={184 + ((W - 260) * r.value) / max} y={i * rowH + 16} className="tick">
                {format(r.value)}
              </text>
            </g>
          ))}
        </svg>
      )}
    </figure>
  );
}

export const VERDICT_COLORS: Record<string, string> = { correct: "#2f9e44", too_early: "#f08c00", too_late: "#c2255c", unnecessary: "#7048e8" };

/** One stacked bar per key, segments per verdict. */
export function VerdictBars({ rows, testId, title }: { rows: { key: string; verdicts: Record<string, number>; total: number }[]; testId: string; title: string }) {
  const max = Math.max(1, ...rows.map((r) => r.total));
  const rowH = 26;
  const H = Math.max(rowH, rows.length * rowH) + 4;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {rows.length === 0 ? (
        <p className="muted" data-testid={`${testId}-empty`}>
          No reviewed escalations yet.
        </p>
      ) : (
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} data-testid={testId}>
          {rows.map((r, i) => {
            let x0 = 178;
            return (
              <g key={r.key} data-key={r.key} data-total={r.total} {...Object.fromEntries(Object.entries(r.verdicts).map(([v, n]) => [`data-${v.replace("_", "-")}`, n]))}>
                <text x={170} y={i * rowH + 17} textAnchor="end" className="tick">
                  {r.key}
                </text>
                {Object.entries(r.verdicts).map(([v, n]) => {
                  const w = ((W - 260) * n) / max;
                  const el = n > 0 ? <rect key={v} x={x0} y={i * rowH + 4} width={w} height={18} fill={VERDICT_COLORS[v]}><title>{`${v}: ${n}`}</title></rect> : null;
                  x0 += w;
                  return el;
                })}
                <text x={x0 + 6} y={i * rowH + 17} className="tick">
                  {r.total}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      <div className="legend">
        {Object.entries(VERDICT_COLORS).map(([v, c]) => (
          <span key={v}>
            <i style={{ background: c }} /> {v.replace("_", " ")}
          </span>
        ))}
      </div>
    </figure>
  );
}
