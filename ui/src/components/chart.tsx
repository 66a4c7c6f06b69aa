import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Series over shared time buckets: `x` in seconds, one `values` array per named series. */
export interface ChartData {
  x: number[];
  series: Array<{ name: string; values: Array<number | null> }>;
}

// Distinguishable on light and dark backgrounds.
const PALETTE = ['#4c7bd9', '#e07b39', '#3aa676', '#c94f7c', '#8a63d2', '#b8a02a', '#2a9fb8'];

function options(data: ChartData, width: number, format: (value: number) => string): uPlot.Options {
  // Mid grey, half transparent: readable on the light and the dark theme, so a chart drawn
  // before the theme changes still reads.
  const ink = '#8a94a3';
  const grid = 'rgba(138, 148, 163, 0.3)';
  const axis = (values?: uPlot.Axis['values']): uPlot.Axis => ({
    stroke: ink,
    // Room for `$0.015` or `4.5K` on the y axis (uPlot's default clips the first characters).
    ...(values ? { size: 64 } : {}),
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
    ...(values ? { values } : {}),
  });
  return {
    width,
    height: 220,
    // A key of the series, not uPlot's live readout: away from the cursor that reads "Time: --"
    // and "–" for every series; the tables under the charts give the figures.
    legend: {
      show: true,
      live: false,
      // Filled in the series' colour: an empty square reads as a checkbox.
      markers: { fill: (_u: uPlot, i: number) => PALETTE[(i - 1) % PALETTE.length]! },
    },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true } },
    axes: [axis(), axis((_u, splits) => splits.map((value) => format(value)))],
    series: [
      {},
      ...data.series.map((series, i) => ({
        label: series.name,
        stroke: PALETTE[i % PALETTE.length],
        width: 2,
        points: { show: data.x.length < 40 },
      })),
    ],
  };
}

/** A time-series chart (uPlot on a canvas: series names reach the page only as text). */
export function Chart(props: { title: string; data: ChartData; format: (v: number) => string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const aligned: uPlot.AlignedData = [props.data.x, ...props.data.series.map((s) => s.values)];
    const plot = new uPlot(
      options(props.data, element.clientWidth, props.format),
      aligned,
      element,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: element.clientWidth, height: 220 }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.data, props.format]);
  return (
    <figure class="chart card">
      <figcaption>{props.title}</figcaption>
      {props.data.x.length === 0 ? (
        <p class="muted">No requests in this range.</p>
      ) : (
        <div ref={box} />
      )}
    </figure>
  );
}
