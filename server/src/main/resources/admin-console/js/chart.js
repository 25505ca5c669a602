// Time-series charts with uPlot (vendored in ../vendor, MIT): colours from the page's CSS variables, so light and
// dark mode both read well; the width follows the container.

import uPlot from '../vendor/uPlot.esm.js';

export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#64748b'];

function css(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/**
 * A line chart in `container`: t = unix seconds, series = [{label, values, color?, scale?, fill?}].
 * Returns {update(t, series), destroy()}.
 */
export function lineChart(container, t, series, opts = {}) {
  const axis = { stroke: css('--axis'), grid: { stroke: css('--grid'), width: 1 }, ticks: { stroke: css('--grid') } };
  // every chart here counts something (rates, ms, cost): start at zero, and draw the axis even with no data yet
  const fromZero = (u, min, max) => [0, max > 0 ? max * 1.1 : 1];
  const scales = { x: { time: true }, y: { range: fromZero }, y2: { range: fromZero } };
  const axes = [{ ...axis, space: 70 }, { ...axis, label: opts.yLabel, size: 60, values: opts.yFormat ? (u, vals) => vals.map(opts.yFormat) : undefined }];
  if (series.some(s => s.scale === 'y2')) {
    axes.push({ ...axis, scale: 'y2', side: 1, label: opts.y2Label, grid: { show: false }, size: 60 });
  }
  const config = {
    width: Math.max(300, container.clientWidth || 600),
    height: opts.height || 240,
    scales,
    axes,
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    series: [{}, ...series.map((s, i) => ({
      label: s.label,
      stroke: s.color || PALETTE[i % PALETTE.length],
      width: 2,
      scale: s.scale || 'y',
      fill: s.fill ? (s.color || PALETTE[i % PALETTE.length]) + '22' : undefined,
      spanGaps: false,
      points: { show: t.length < 40 },
    }))],
  };
  const plot = new uPlot(config, [t, ...series.map(s => s.values)], container);
  const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(300, container.clientWidth), height: config.height }));
  resize.observe(container);
  return {
    update(t2, series2) { plot.setData([t2, ...series2.map(s => s.values)]); },
    destroy() { resize.disconnect(); plot.destroy(); },
  };
}

/** Horizontal bars (top spenders): rows = [{key, value, label}], as plain, accessible HTML. */
export function barList(rows, format) {
  const max = Math.max(...rows.map(r => r.value), 0) || 1;
  const wrap = document.createElement('div');
  wrap.className = 'bars';
  for (const r of rows) {
    const bar = document.createElement('div');
    bar.className = 'bar';
    const key = document.createElement('span'); key.className = 'key'; key.textContent = r.key; key.title = r.key;
    const track = document.createElement('div'); track.className = 'track';
    const fill = document.createElement('div'); fill.className = 'fill'; fill.style.width = (100 * r.value / max) + '%';
    track.append(fill);
    const val = document.createElement('span'); val.className = 'num'; val.textContent = format(r.value);
    bar.append(key, track, val);
    wrap.append(bar);
  }
  return wrap;
}
