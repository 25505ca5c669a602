// Live traffic: audit events as the pipeline delivers them; filter, pause, click for the decision trail.

import { h, fill, badge, fmtTime, fmtCost } from '../ui.js';

const MAX_ROWS = 300;

export async function render(root, { api }) {
  const rows = [];
  let paused = false;
  let missed = 0;
  const filter = h('input', { id: 'live-filter', placeholder: 'user, org, model, tool, status…' });
  const hideConsole = h('input', { type: 'checkbox', checked: true, id: 'live-hide-console' });
  const pause = h('button', { id: 'live-pause' }, 'Pause');
  const state = h('span.muted', { id: 'live-state' }, 'connecting…');
  const counter = h('span.muted');
  const body = h('tbody', { id: 'live-rows' });
  fill(root, h('h1', 'Live traffic'),
    h('div.toolbar', h('label', 'Filter', filter), h('label.inline', hideConsole, 'Hide console requests'), pause, state, counter),
    h('div.table-wrap', h('table', h('thead', h('tr', ['Time', 'User', 'Org', 'Route', 'Model / tool', 'Decision', '#Status', 'Rule / error', '#Latency ms', '#Cost']
      .map(t => t.startsWith('#') ? h('th.num', t.slice(1)) : h('th', t)))), body)));

  const matches = e => {
    if (hideConsole.checked && (e.route || '').startsWith('admin.')) return false;
    const q = filter.value.trim().toLowerCase();
    if (!q) return true;
    return [e.sub, e.org, e.tenant, e.route, e.model, e.tool, e.decision, String(e.status), e.rule, e.error, e.path]
      .some(v => v && String(v).toLowerCase().includes(q));
  };
  const rowOf = e => {
    const tr = h('tr.click' + (e.decision === 'deny' ? '.deny' : ''), { tabIndex: 0, dataset: { eventId: e.event_id } },
      h('td', fmtTime(e.time)), h('td', e.sub || '–'), h('td', e.org || ''), h('td', e.route || ''),
      h('td', e.model || e.tool || ''), h('td', badge(e.decision)), h('td.num', e.status),
      h('td', e.rule || e.error || ''), h('td.num', e.latency_ms), h('td.num', fmtCost(e.cost)));
    tr.addEventListener('click', () => { location.hash = '#/audit/' + encodeURIComponent(e.event_id); });
    return tr;
  };
  const redraw = () => fill(body, rows.filter(matches).map(rowOf));
  filter.addEventListener('input', redraw);
  hideConsole.addEventListener('change', redraw);
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
    if (!paused) { missed = 0; counter.textContent = ''; redraw(); }
  });

  const stop = api.stream(e => {
    rows.unshift(e);
    if (rows.length > MAX_ROWS) rows.length = MAX_ROWS;
    if (paused) { missed++; counter.textContent = missed + ' new while paused'; return; }
    if (matches(e)) {
      body.prepend(rowOf(e));
      while (body.children.length > MAX_ROWS) body.lastChild.remove();
    }
  }, s => { state.textContent = s; });
  return stop;
}
