// Overview: every layer's and dependency's health, and the live request rate, error rate and latency.

import { h, fill, badge, fmtNum, fmtPct } from '../ui.js';
import { lineChart } from '../chart.js';

export async function render(root, { api }) {
  const tiles = h('div.tiles');
  const cards = h('div.grid', { id: 'health-cards' });
  const chartBox = h('div.chart', { id: 'traffic-chart' });
  const latencyBox = h('div.chart', { id: 'latency-chart' });
  const status = h('span');
  fill(root, h('h1', 'Overview ', status), tiles,
    h('div.charts',
      h('div.panel', h('h2', 'Requests per second, last 5 minutes'), chartBox),
      h('div.panel', h('h2', 'Latency p95, last 5 minutes'), latencyBox)),
    h('h2', 'Health of layers and dependencies'), cards);
  let chart = null;
  let latency = null;

  async function refresh() {
    const [health, metrics] = await Promise.all([api.get('health'), api.get('metrics').catch(() => null)]);
    fill(status, badge(health.ok ? 'ok' : 'down', health.ok ? 'ok' : 'down'));
    fill(cards, health.checks.map(c => h('div.card.' + c.status, { dataset: { kind: c.kind } },
      h('div', badge(c.status), ' ', h('span.name', c.name)), h('div.detail', c.detail))));
    if (!metrics) return;
    const l = metrics.latency_ms;
    fill(tiles,
      tile('Requests / s (1 min)', fmtNum(metrics.rate_per_second, 2), 'tile-rate'),
      tile('Error rate', fmtPct(metrics.error_rate)),
      tile('Denied', fmtPct(metrics.deny_rate)),
      tile('Latency p50', l.p50 == null ? '–' : fmtNum(l.p50, 1) + ' ms'),
      tile('p95', l.p95 == null ? '–' : fmtNum(l.p95, 1) + ' ms'),
      tile('p99', l.p99 == null ? '–' : fmtNum(l.p99, 1) + ' ms'));
    const s = metrics.series;
    const perSecond = a => a.map(v => v / s.step_seconds);
    const series = [
      { label: 'all', values: s.rate, fill: true },
      { label: 'errors', values: perSecond(s.errors), color: '#dc2626' },
      { label: 'denied', values: perSecond(s.denied), color: '#d97706' },
    ];
    const lat = [{ label: 'p95 ms', values: s.p95_ms, color: '#7c3aed', fill: true }];
    if (chart) { chart.update(s.t, series); latency.update(s.t, lat); } else {
      chart = lineChart(chartBox, s.t, series, { yLabel: 'requests / s', height: 200 });
      latency = lineChart(latencyBox, s.t, lat, { yLabel: 'ms', height: 200 });
    }
  }

  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 5000);
  return () => { clearInterval(timer); chart?.destroy(); latency?.destroy(); };
}

function tile(label, value, id) {
  return h('div.tile', { id }, h('div.v', value), h('div.l', label));
}
