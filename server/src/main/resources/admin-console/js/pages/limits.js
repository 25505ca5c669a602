// Limits: whatever sections the limits layer offers (rules, rate usage per key, reservations in flight, budgets).

import { h, fill, table } from '../ui.js';

export async function render(root, { api }) {
  const body = h('div', { id: 'limits-sections' });
  fill(root, h('h1', 'Limits'), body);
  async function refresh() {
    const data = await api.get('limits');
    fill(body, data.sections.length === 0 ? h('div.panel', h('p.muted', 'No limits are configured (limits.rate or RATE_LIMIT_MAX).'))
      : data.sections.map(s => h('div.panel', { dataset: { section: s.id } }, h('h2', s.title), s.note ? h('p.muted', s.note) : null,
        s.columns.length === 0 ? null : s.rows.length === 0 ? h('p.muted', 'Nothing yet.')
          : table(s.columns.map((c, i) => ({ key: String(i), label: c, num: typeof s.rows[0][i] === 'number' })),
            s.rows.map(r => Object.fromEntries(r.map((v, i) => [String(i), v])))))));
  }
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 5000);
  return () => clearInterval(timer);
}
