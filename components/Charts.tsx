/**
 * @module components/Charts
 * Small server-rendered SVG charts (no JavaScript, no CDN). Each chart carries a title for
 * screen readers and a visually hidden table with the same numbers.
 */
import * as fmt from "../domain/format.ts";

export interface Datum {
  label: string;
  value: number;
  href?: string;
}

function money(cents: number): string {
  return fmt.money(cents);
}

function compactMoney(cents: number): string {
  const dollars = cents / 100;
  const abs = Math.abs(dollars);
  const text = abs >= 1e6
    ? `${(abs / 1e6).toFixed(1)}M`
    : abs >= 1e3
    ? `${Math.round(abs / 1e3)}k`
    : `${Math.round(abs)}`;
  return `${dollars < 0 ? "-" : ""}$${text}`;
}

function DataTable(props: { caption: string; data: Datum[]; format: (v: number) => string }) {
  return (
    <table class="visually-hidden">
      <caption>{props.caption}</caption>
      <tbody>
        {props.data.map((d) => (
          <tr key={d.label}>
            <th scope="row">{d.label}</th>
            <td>{props.format(d.value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Horizontal bars (aging buckets, top customers). */
export function BarChart(props: { title: string; data: Datum[]; cents?: boolean }) {
  const format = props.cents === false ? (v: number) => String(v) : money;
  const max = Math.max(1, ...props.data.map((d) => d.value));
  const row = 28;
  const width = 360;
  const labelWidth = 110;
  const height = props.data.length * row;
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={props.title}
        preserveAspectRatio="xMinYMin meet"
      >
        {props.data.map((d, i) => {
          const w = Math.max(0, (d.value / max) * (width - labelWidth - 90));
          return (
            <g key={d.label} transform={`translate(0, ${i * row})`}>
              <text x="0" y="18" class="chart-label">{d.label}</text>
              <rect x={labelWidth} y="6" width={w} height="16" rx="3" class="chart-bar" />
              <text x={labelWidth + w + 6} y="18" class="chart-value">
                {props.cents === false ? d.value : compactMoney(d.value)}
              </text>
            </g>
          );
        })}
      </svg>
      <DataTable caption={props.title} data={props.data} format={format} />
    </figure>
  );
}

/** Vertical columns around a zero line (margin per week can be negative). */
export function ColumnChart(props: { title: string; data: Datum[] }) {
  const width = 480;
  const height = 180;
  const top = 16;
  const bottom = 28;
  const max = Math.max(1, ...props.data.map((d) => d.value));
  const min = Math.min(0, ...props.data.map((d) => d.value));
  const span = max - min || 1;
  const plot = height - top - bottom;
  const zero = top + (max / span) * plot;
  const slot = width / Math.max(1, props.data.length);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={props.title}>
        <line x1="0" x2={width} y1={zero} y2={zero} class="chart-axis" />
        {props.data.map((d, i) => {
          const h = (Math.abs(d.value) / span) * plot;
          const y = d.value >= 0 ? zero - h : zero;
          return (
            <g key={d.label}>
              <rect
                x={i * slot + slot * 0.15}
                y={y}
                width={slot * 0.7}
                height={Math.max(h, 1)}
                rx="2"
                class={d.value >= 0 ? "chart-bar" : "chart-bar negative"}
              >
                <title>{`${d.label}: ${money(d.value)}`}</title>
              </rect>
              {i % 2 === 0
                ? (
                  <text
                    x={i * slot + slot / 2}
                    y={height - 8}
                    text-anchor="middle"
                    class="chart-label"
                  >
                    {d.label.slice(5)}
                  </text>
                )
                : null}
            </g>
          );
        })}
        <text x="4" y="12" class="chart-value">{compactMoney(max)}</text>
      </svg>
      <DataTable caption={props.title} data={props.data} format={money} />
    </figure>
  );
}
