// Audit search: filters, paging, event detail with the whole decision trail, export, chain verification.

import { h, fill, badge, fmtTime, fmtCost, table, errorBox } from '../ui.js';

const FIELDS = [
  ['user', 'User (sub)'], ['org', 'Org'], ['model', 'Model'], ['tool', 'Tool'], ['route', 'Route'],
  ['rule', 'Policy rule'], ['status', 'Status (403, 4xx)'], ['error', 'Error code'],
];

export async function render(root, { api, me, args }) {
  if (args[0]) return detail(root, api, args[0]);
  const inputs = Object.fromEntries(FIELDS.map(([k]) => [k, h('input', { name: k, id: 'f-' + k })]));
  const lists = h('div', { hidden: true });
  const decision = h('select', { name: 'decision', id: 'f-decision' },
    h('option', { value: '' }, 'any'), h('option', { value: 'allow' }, 'allow'), h('option', { value: 'deny' }, 'deny'));
  const since = h('select', { name: 'since', id: 'f-since' },
    ['1h', '24h', '7d', '30d', '365d'].map(v => h('option', { value: v, selected: v === '24h' }, v)));
  const from = h('input', { type: 'datetime-local', id: 'f-from', title: 'From (your local time); overrides Since' });
  const to = h('input', { type: 'datetime-local', id: 'f-to', title: 'To (your local time)' });
  const results = h('div', { id: 'audit-results' });
  const more = h('button', { id: 'audit-more', hidden: true }, 'Load more');
  const verifyState = h('span', { id: 'verify-state' });
  const form = h('form.filters', { id: 'audit-form' },
    FIELDS.map(([k, label]) => h('label', label, inputs[k])),
    h('label', 'Decision', decision), h('label', 'Since', since), h('label', 'From', from), h('label', 'To', to),
    h('button.primary', { type: 'submit', id: 'audit-search' }, 'Search'),
    h('button', { type: 'button', id: 'export-csv', onclick: () => exportAs('csv') }, 'Export CSV'),
    h('button', { type: 'button', id: 'export-json', onclick: () => exportAs('json') }, 'Export JSON'));
  const verifyButton = h('button', { id: 'verify', onclick: verify, disabled: !me.all_tenants }, 'Verify chain');
  fill(root, h('h1', 'Audit log'), form, lists,
    h('div.toolbar', verifyButton, verifyState), results, more);

  const params = () => {
    const p = { decision: decision.value, since: since.value };
    if (from.value) p.from = new Date(from.value).toISOString();
    if (to.value) p.to = new Date(to.value).toISOString();
    for (const [k] of FIELDS) p[k] = inputs[k].value.trim();
    return p;
  };
  let cursor = null;
  let rows = [];
  let latest = 0;
  async function search(append) {
    const mine = ++latest;
    const page = await api.get('audit/events', { ...params(), limit: 50, cursor: append ? cursor : null });
    if (mine !== latest) return; // a newer search was started meanwhile: its answer wins
    rows = append ? rows.concat(page.events) : page.events;
    cursor = page.next;
    more.hidden = !cursor;
    fill(results, rows.length === 0 ? h('p.muted', 'No events match.') : table([
      { key: 'time', label: 'Time', render: r => fmtTime(r.time) },
      { key: 'sub', label: 'User' }, { key: 'org', label: 'Org' }, { key: 'route', label: 'Route' },
      { key: 'resource', label: 'Model / tool', render: r => r.model || r.tool || '' },
      { key: 'decision', label: 'Decision', render: r => badge(r.decision) },
      { key: 'status', label: 'Status', num: true },
      { key: 'rule', label: 'Rule / error', render: r => r.rule || r.error || '' },
      { key: 'cost', label: 'Cost', num: true, render: r => fmtCost(r.cost) },
    ], rows, r => { location.hash = '#/audit/' + encodeURIComponent(r.event_id); }, r => r.decision === 'deny' ? 'deny' : null));
  }
  async function exportAs(format) {
    try {
      const truncated = await api.download('audit/export', { ...params(), format }, 'audit-export.' + (format === 'csv' ? 'csv' : 'jsonl'));
      if (truncated) alert('The export stopped at 10,000 events; narrow the search for the rest.');
    } catch (e) { fill(results, errorBox(e)); }
  }
  async function verify() {
    verifyButton.disabled = true;
    fill(verifyState, 'verifying…');
    try { showVerification(await api.post('audit/verify')); } catch (e) { fill(verifyState, h('span.error', e.message)); }
    verifyButton.disabled = false;
  }
  function showVerification(r) {
    if (!r) { fill(verifyState, h('span.muted', me.all_tenants ? 'Chain not verified since the gateway started.' : 'Chain verification is for global admins.')); return; }
    fill(verifyState, badge(r.ok ? 'verified' : 'broken', r.ok ? 'ok' : 'down'), ' ',
      h('span.muted', r.events + ' events in ' + r.chains + ' chain(s), ' + r.seals + ' seals' + (r.seals_signed ? ' (signatures checked)' : '')
        + ', checked ' + fmtTime(r.checked_at) + (r.first_broken ? ' — first break: ' + r.first_broken : '')));
  }
  form.addEventListener('submit', e => { e.preventDefault(); search(false).catch(err => fill(results, errorBox(err))); });
  more.addEventListener('click', () => search(true).catch(err => fill(results, errorBox(err))));
  api.get('audit/verify').then(v => showVerification(v.result)).catch(() => {});
  api.get('audit/facets', { since: '24h' }).then(f => {
    const map = { user: 'sub', org: 'org', model: 'model', tool: 'tool', route: 'route', rule: 'policy_rule' };
    for (const [field, column] of Object.entries(map)) {
      const id = 'list-' + field;
      lists.append(h('datalist', { id }, (f[column] || []).map(v => h('option', { value: v }))));
      inputs[field].setAttribute('list', id);
    }
  }).catch(() => {});
  await search(false);
}

async function detail(root, api, id) {
  const d = await api.get('audit/events/' + encodeURIComponent(id));
  const e = d.event;
  const s = d.summary;
  const pol = e.decisions?.policy;
  const lim = e.decisions?.limits;
  const rows = [
    ['Time', new Date(e.time).toISOString()], ['Request id', e.request_id], ['User', s.sub], ['Org', s.org],
    ['Tenant', s.tenant], ['Route', e.what?.route + ' · ' + e.what?.method + ' ' + e.what?.path],
    ['Resource', e.what?.resource_kind ? e.what.resource_kind + ' ' + e.what.resource_name : '–'],
    ['Routed to', e.what?.provider ? e.what.provider + ' → ' + e.what.target : '–'],
    ['Status', e.outcome.status + (e.outcome.error_code ? ' ' + e.outcome.error_code : '')],
    ['Latency', (e.latency_us / 1000).toFixed(2) + ' ms'],
    ['Usage', e.usage ? e.usage.input_tokens + ' in / ' + e.usage.output_tokens + ' out tokens, cost ' + fmtCost(e.usage.cost_micros / 1e6) : '–'],
  ];
  const trail = h('dl.trail', { id: 'decision-trail' },
    h('dt', 'Identity'), h('dd', e.identity ? 'verified: ' + e.identity.sub + ' (issuer ' + e.identity.issuer + ', roles ' + (e.identity.roles.join(', ') || 'none') + ')' : 'no verified identity'),
    h('dt', 'Content'), h('dd', e.data ? 'labels ' + (e.data.labels.join(', ') || 'none') + '; PII types ' + (e.data.pii_types.join(', ') || 'none') + '; risk ' + e.data.risk_score : 'not inspected'),
    h('dt', 'Policy'), h('dd', { id: 'trail-policy' }, pol ? [badge(pol.effect), ' rule ', h('code', { id: 'trail-rule' }, pol.rule), ' · decision ', h('code', pol.decision_id),
      h('ul', { id: 'trail-reasons' }, pol.reasons.map(r => h('li', r))),
      pol.shadow_effect ? h('div', 'Shadow policy would have decided ', badge(pol.shadow_effect), ' (rule ', h('code', pol.shadow_rule || 'default'), ')') : null] : 'did not run'),
    h('dt', 'Limits'), h('dd', lim ? [badge(lim.allowed ? 'allow' : 'deny'), h('ul', lim.reasons.map(r => h('li', r))),
      lim.retry_after_seconds ? 'retry after ' + lim.retry_after_seconds + ' s' : null] : 'did not run'),
    h('dt', 'Outcome'), h('dd', badge(e.outcome.decision), ' HTTP ' + e.outcome.status + (e.outcome.error_code ? ' ' + e.outcome.error_code : '')));
  fill(root, h('p', h('a', { href: '#/audit' }, '← Audit search')),
    h('h1', 'Event ', h('code', e.event_id), ' ', badge(e.outcome.decision)),
    h('div.row',
      h('div.panel', h('h2', 'What happened'), h('div.detail-grid', rows.flatMap(([k, v]) => [h('div', k), h('div', v ?? '–')]))),
      h('div.panel', h('h2', 'Decision trail'), trail)),
    h('div.panel', h('h2', 'Integrity'), h('p', 'Chain ', h('code', e.instance), ' position ', e.seq, ' · record hash ',
      d.hash_matches ? badge('matches', 'ok') : badge('does not match', 'down'),
      h('span.muted', ' (the whole chain: Verify chain on the search page)')),
      h('details', h('summary', 'Stored record (JSON)'), h('pre', JSON.stringify(e, null, 2)))));
}
