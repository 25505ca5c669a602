// Usage and cost: cost and requests over time per org/user/model/tool, top spenders, the report table, budgets.

import { h, fill, fmtNum, fmtCost, table } from '../ui.js';
import { lineChart, barList } from '../chart.js';

export async function render(root, { api }) {
  const by = h('select', { id: 'usage-by' }, ['org', 'user', 'model', 'tool'].map(v => h('option', { value: v }, v)));
  const since = h('select', { id: 'usage-since' }, [['1h', 'last hour'], ['24h', 'last 24 h'], ['7d', 'last 7 days'], ['30d', 'last 30 days']]
    .map(([v, l]) => h('option', { value: v, selected: v === '24h' }, l)));
  const metric = h('select', { id: 'usage-metric' }, [['auto', 'cost (requests when no cost)'], ['cost', 'cost'], ['requests', 'requests'], ['tokens', 'tokens']]
    .map(([v, l]) => h('option', { value: v }, l)));
  const chartBox = h('div.chart', { id: 'usage-chart' });
  const top = h('div', { id: 'top-spenders' });
  const report = h('div', { id: 'usage-table' });
  const budgets = h('div', { id: 'budgets' });
  fill(root, h('h1', 'Usage & cost'),
    h('div.toolbar', h('label', 'Group by', by), h('label', 'Range', since), h('label', 'Chart', metric)),
    h('div.panel', h('h2', 'Over time'), chartBox),
    h('div.row', h('div.panel', h('h2', 'Top spenders'), top), h('div.panel', h('h2', 'Budgets'), budgets)),
    h('h2', 'Report'), report);
  let chart = null;

  async function refresh() {
    const [series, rep] = await Promise.all([
      api.get('usage/series', { by: by.value, since: since.value }),
      api.get('usage', { by: by.value === 'user' ? 'user' : by.value, since: since.value, format: 'json' }),
    ]);
    const anyCost = series.keys.some(k => series.cost[k].some(v => v > 0));
    const m = metric.value === 'auto' ? (anyCost ? 'cost' : 'requests') : metric.value;
    const lines = series.keys.map(k => ({ label: k, values: series[m][k] }));
    chart?.destroy();
    chartBox.replaceChildren();
    if (lines.length === 0) {
      chart = null;
      chartBox.append(h('p.muted', 'No traffic in this range.'));
    } else {
      chart = lineChart(chartBox, series.t, lines, { yLabel: m + ' per ' + bucketLabel(series.bucket_seconds), yFormat: m === 'cost' ? v => fmtCost(v) : undefined });
      if (!anyCost) chartBox.append(h('p.muted', 'No cost recorded in this range (the providers report no prices yet): showing ' + m + '.'));
    }
    const rows = [...rep.rows].sort((a, b) => b.cost_micros - a.cost_micros || b.requests - a.requests).slice(0, 10);
    fill(top, rows.length === 0 ? h('p.muted', 'No usage yet.')
      : barList(rows.map(r => ({ key: r.key, value: rows.some(x => x.cost_micros > 0) ? r.cost_micros / 1e6 : r.requests })),
        rows.some(x => x.cost_micros > 0) ? fmtCost : v => fmtNum(v) + ' req'));
    fill(report, table([
      { key: 'key', label: by.value }, { key: 'requests', label: 'Requests', num: true },
      { key: 'allowed', label: 'Allowed', num: true }, { key: 'denied', label: 'Denied', num: true },
      { key: 'errors', label: 'Errors', num: true }, { key: 'input_tokens', label: 'Tokens in', num: true },
      { key: 'output_tokens', label: 'Tokens out', num: true },
      { key: 'cost', label: 'Cost', num: true, render: r => fmtCost(r.cost_micros / 1e6) },
      { key: 'denials', label: 'Denials by rule', render: r => Object.entries(r.denials_by_rule).map(([k, v]) => k + '=' + v).join(' ') },
    ], [...rep.rows, rep.total]));
  }

  async function showBudgets() {
    const limits = await api.get('limits').catch(() => ({ sections: [] }));
    const b = limits.sections.find(s => s.id === 'budgets');
    if (!b) { fill(budgets, h('p.muted', 'No money budgets or token limits are configured in the limits layer.')); return; }
    const rows = b.rows.map(r => Object.fromEntries(b.columns.map((c, i) => [c, r[i]])));
    const headroom = r => {
      const fillBar = h('div.fill');
      fillBar.style.width = Math.max(0, Math.min(100, r.headroom_pct)) + '%';
      if (r.headroom_pct < 10) fillBar.classList.add('low');
      return h('div.headroom', h('div.track', fillBar), h('span.num', r.headroom_pct + ' %'));
    };
    fill(budgets, b.note ? h('p.muted', b.note) : null, rows.length === 0 ? h('p.muted', 'No budget used yet.') : table([
      { key: 'budget', label: 'Budget' }, { key: 'key', label: 'Key' },
      { key: 'spent', label: 'Spent', num: true, render: r => r.meter === 'cost' ? fmtCost(r.spent) : fmtNum(r.spent) },
      { key: 'cap', label: 'Cap', num: true, render: r => r.meter === 'cost' ? fmtCost(r.cap) : fmtNum(r.cap) },
      { key: 'headroom_pct', label: 'Headroom', render: headroom },
    ], rows));
  }

  for (const el of [by, since, metric]) el.addEventListener('change', () => refresh().catch(e => fill(report, h('p.error', e.message))));
  await Promise.all([refresh(), showBudgets()]);
  return () => chart?.destroy();
}

function bucketLabel(s) {
  return s >= 86400 ? 'day' : s >= 3600 ? (s / 3600) + ' h' : (s / 60) + ' min';
}
