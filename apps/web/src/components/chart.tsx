import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { seriesColor } from '../lib/series-colors';

export interface ChartSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  /** bars or a line. */
  readonly kind?: 'bars' | 'line';
  /** What is summed beyond the top series: drawn in grey. */
  readonly other?: boolean;
  /** A colour of its own (failures in red), instead of the next in turn. */
  readonly color?: string;
  /**
   * What the legend shows when no time is hovered, for the whole range (a percentile of every
   * call in it, which the buckets' own cannot give); else bars show their total, lines their latest value.
   */
  readonly whole?: number | null;
}

/** uPlot's axis font, to measure tick labels with. */
const AXIS_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif';
let measurer: CanvasRenderingContext2D | null = null;

/** The width a y axis needs: its longest tick label, the tick and the gap (uPlot's 10 + 5), and a margin. */
function axisWidth(labels: readonly unknown[]): number {
  measurer ??= document.createElement('canvas').getContext('2d');
  if (!measurer) return 60;
  measurer.font = AXIS_FONT;
  const widest = Math.max(0, ...labels.map((l) => measurer?.measureText(String(l ?? '')).width ?? 0));
  return Math.max(36, Math.ceil(widest) + 22);
}

const axisHour = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
const axisDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** An x tick (Unix seconds): the year on New Year's Day, the day at midnight, else the time of day. */
function axisTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  if (d.getHours() !== 0 || d.getMinutes() !== 0) return axisHour.format(d);
  return d.getMonth() === 0 && d.getDate() === 1 ? String(d.getFullYear()) : axisDay.format(d);
}

/**
 * How the legend writes a hovered time: a day's bar (`daily`) as its day, any other as day and
 * time of day; with the year when the chart's times are not all in one.
 */
function hoverFormat(daily: boolean, years: boolean): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(undefined, {
    ...(years ? { year: 'numeric' } : {}),
    month: 'short',
    day: 'numeric',
    ...(daily ? {} : { hour: '2-digit', minute: '2-digit', hour12: false }),
  });
}

/** Tick steps for whole-number series (1, 2, 5, 10, 20, 25, 50, …): no "0.5 calls" ticks, shown rounded as a second "1". */
const WHOLE_STEPS = [1, 2, 5, ...Array.from({ length: 15 }, (_, e) => [1, 2, 2.5, 5].map((m) => m * 10 ** (e + 1))).flat()];
const DAY_SECONDS = 86_400;
/** Ticks of a chart by day: a day, two, a week, two, a month, a quarter, half a year, a year. */
const DAY_STEPS = [1, 2, 7, 14, 30, 91, 182, 365].map((d) => d * DAY_SECONDS);
/** Steps for fractional values (dollars, milliseconds): 1, 2 and 5, whose ticks round to what they are ($0.025 would read "$0.03"). */
const FRACTION_STEPS = Array.from({ length: 17 }, (_, e) => [1, 2, 5].map((m) => Number((m * 10 ** (e - 7)).toPrecision(1)))).flat();

/**
 * A time chart (uPlot, canvas): x is Unix seconds. Hovering shows every series' value at that
 * time in the legend, formatted by `format`.
 */
export function TimeChart({
  times,
  series,
  format,
  axisFormat = format,
  height = 200,
  stacked = false,
  bucketSeconds = 3600,
}: {
  times: readonly number[];
  series: readonly ChartSeries[];
  /** Values in the legend. */
  format: (v: number | null) => string;
  /** The y axis's ticks (shorter than the legend's values, e.g. "1.5 s"). */
  axisFormat?: (v: number) => string;
  height?: number;
  stacked?: boolean;
  /** How long a bucket is, when there is only one to tell (the room left beside a lone bar). */
  bucketSeconds?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const css = getComputedStyle(document.documentElement);
    const axisColor = css.getPropertyValue('--text-3').trim() || '#888';
    const gridColor = css.getPropertyValue('--border').trim() || '#eee';
    // Stacked bars: each series drawn on top of the ones before it.
    const shown = series.map((s, i) =>
      stacked
        ? s.values.map((_, t) => {
            let sum = 0;
            for (let j = 0; j <= i; j++) sum += series[j]?.values[t] ?? 0;
            return sum;
          })
        : [...s.values],
    );
    const bars = uPlot.paths.bars?.({ size: [0.7, 40] });
    const step = times.length > 1 ? (times[1] as number) - (times[0] as number) : bucketSeconds;
    // Not hovering, the legend still says something: the range's own figure where given, else
    // bars their total over the range and lines their latest value.
    const latest = series.some((s) => s.kind === 'line' && s.whole === undefined);
    const resting = (s: ChartSeries | undefined) => {
      if (s?.whole !== undefined) return s.whole;
      const values = s?.values ?? [];
      if (s?.kind !== 'line') return values.reduce<number>((a, v) => a + (v ?? 0), 0);
      for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i] as number;
      return null;
    };
    const whole = series.every((s) => s.values.every((v) => v === null || Number.isInteger(v)));
    const yearOf = (t: number | undefined) => new Date((t ?? 0) * 1000).getFullYear();
    const hovered = hoverFormat(bucketSeconds >= DAY_SECONDS, yearOf(times[0]) !== yearOf(times[times.length - 1]));
    const opts: uPlot.Options = {
      width: el.clientWidth,
      height,
      legend: { live: true },
      cursor: { points: { show: false }, drag: { x: false, y: false } },
      scales: {
        // Half a bucket of room at either end: the first and last bars are drawn whole.
        x: { time: true, range: (_u, min, max) => (min === null || max === null ? [min, max] : [min - step / 2, max + step / 2]) },
        y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        {
          stroke: axisColor,
          grid: { stroke: gridColor, width: 1 },
          ticks: { stroke: gridColor },
          // Times as the app writes them: the hour, and the day at midnight ("Dec 5"), not "12/5/26".
          values: (_u, splits) => splits.map((s) => axisTime(s)),
          // Bars of days are marked by days, never by hours between them.
          ...(bucketSeconds >= DAY_SECONDS ? { incrs: DAY_STEPS } : {}),
        },
        {
          stroke: axisColor,
          grid: { stroke: gridColor, width: 1 },
          ticks: { stroke: gridColor },
          values: (_u, v) => v.map((x) => axisFormat(x)),
          incrs: whole ? WHOLE_STEPS : FRACTION_STEPS,
          // As wide as the longest tick, so none is cut at the left edge.
          size: (_u, values) => axisWidth(values ?? []),
        },
      ],
      series: [
        // The hovered time, as the app writes times; until one is hovered, what the values are.
        {
          label: 'Time',
          value: (_u: uPlot, v: number | null) => (v === null ? (latest ? 'latest' : 'whole range') : hovered.format(new Date(v * 1000))),
        },
        ...series.map((s, i) => {
          const color = s.color ?? seriesColor(i, s.other);
          const index = i;
          return {
            label: s.label,
            stroke: color,
            // Stacked bars are drawn over one another (each from zero): see-through, they would tint the ones in front.
            fill: s.kind === 'line' ? undefined : stacked ? color : `${color}cc`,
            width: s.kind === 'line' ? 2 : 0,
            paths: s.kind === 'line' ? undefined : bars,
            points: { show: false },
            spanGaps: s.kind === 'line',
            // The legend shows the series' own value, not the stacked total.
            value: (_u: uPlot, _v: number | null, _si: number, idx: number | null) =>
              format(idx === null ? resting(series[index]) : (series[index]?.values[idx] ?? null)),
          } satisfies uPlot.Series;
        }),
      ],
    };
    // Stacked series draw last-first so the taller sums sit behind.
    const data: uPlot.AlignedData = [[...times], ...shown];
    const plot = new uPlot(
      stacked ? { ...opts, series: [opts.series[0] as uPlot.Series, ...opts.series.slice(1).reverse()] } : opts,
      stacked ? [data[0], ...data.slice(1).reverse()] : data,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [times, series, format, axisFormat, height, stacked, bucketSeconds]);
  return <div className="chart" ref={box} />;
}
