// Policies: the loaded rules, shadow-mode disagreements, and a tester that decides a described request.

import { h, fill, badge, fmtTime, table } from '../ui.js';

const EXAMPLE = {
  identity: { sub: 'alice', org: 'acme', roles: ['developer'], scopes: ['tool:read'] },
  route: 'llm.chat', method: 'POST', model: 'gpt-4o',
  content: { labels: [], pii: [], risk_score: 0 },
};

export async function render(root, { api, me }) {
  const data = await api.get('policies');
  const tester = h('div.panel', { id: 'policy-tester' });
  if (!data.enabled) {
    fill(root, h('h1', 'Policies'), h('div.panel', h('p.muted', 'No policy is configured: every authenticated request is allowed by scopes alone. Set policy.path to add rules.')));
    return;
  }
  const rules = set => table([
    { key: 'id', label: 'Rule' }, { key: 'priority', label: 'Priority', num: true },
    { key: 'effect', label: 'Effect', render: r => badge(r.effect) }, { key: 'tenant', label: 'Tenant' },
    { key: 'reason', label: 'Reason' }, { key: 'source', label: 'Source' },
  ], [...set.rules].sort((a, b) => a.priority - b.priority)); // evaluation order: lower priority first
  const shadow = data.shadow_disagreements || [];
  fill(root, h('h1', 'Policies'),
    h('div.panel', h('h2', 'Live policy'), h('p.muted', set(data.live)), rules(data.live)),
    data.candidate ? h('div.panel', h('h2', 'Shadow candidate'), h('p.muted', set(data.candidate)), rules(data.candidate)) : null,
    data.candidate ? h('div.panel', h('h2', 'Shadow disagreements (last 7 days)'), shadow.length === 0 ? h('p.muted', 'None: the candidate agreed with the live policy on every request.')
      : table([{ key: 'time', label: 'Time', render: r => fmtTime(r.time) }, { key: 'sub', label: 'User' }, { key: 'route', label: 'Route' },
        { key: 'live', label: 'Live', render: r => [badge(r.live_effect || r.decision), ' ', r.rule || ''] },
        { key: 'shadow', label: 'Candidate', render: r => [badge(r.shadow_effect), ' ', r.shadow_rule || 'default'] }],
      shadow, r => { location.hash = '#/audit/' + r.event_id; })) : null,
    tester);

  const text = h('textarea', { id: 'tester-input', spellcheck: false }, JSON.stringify(EXAMPLE, null, 2));
  const quick = Object.fromEntries(['sub', 'org', 'roles', 'scopes', 'route', 'model', 'tool'].map(k => [k, h('input', { id: 'tester-' + k, placeholder: k })]));
  const result = h('div', { id: 'tester-result' });
  const build = () => {
    let req;
    try { req = JSON.parse(text.value); } catch { req = {}; }
    req.identity = req.identity || {};
    for (const k of ['sub', 'org']) if (quick[k].value) req.identity[k] = quick[k].value;
    for (const k of ['roles', 'scopes']) if (quick[k].value) req.identity[k] = quick[k].value.split(/[\s,]+/).filter(Boolean);
    for (const k of ['route', 'model', 'tool']) if (quick[k].value) req[k] = quick[k].value;
    text.value = JSON.stringify(req, null, 2);
  };
  const decide = async () => {
    let req;
    try { req = JSON.parse(text.value); } catch (e) { fill(result, h('p.error', 'Not JSON: ' + e.message)); return; }
    try {
      const d = await api.post('policies/test', req);
      fill(result, decision('Live policy', d.live), d.candidate ? decision('Shadow candidate', d.candidate) : null);
    } catch (e) { fill(result, h('p.error', e.message)); }
  };
  fill(tester, h('h2', 'Tester'),
    h('p.muted', 'Describe a request as the policy engine sees it (the same format as ', h('code', 'gatewaystack policy test'), ').',
      me.all_tenants ? '' : ' You test as tenant ' + me.tenant + '.'),
    h('div.toolbar', Object.values(quick).map(i => h('label', i.placeholder, i)), h('button', { id: 'tester-build', onclick: build }, 'Put into JSON')),
    h('div.row', h('div', text, h('div.toolbar', h('button.primary', { id: 'tester-decide', onclick: decide }, 'Decide'))), result));
}

function set(s) {
  return s.rules.length + ' rules from ' + (s.sources.join(', ') || '–') + '; when no rule decides: ' + s.default_effect + '.';
}

function decision(title, d) {
  return h('div.panel', { dataset: { effect: d.effect } }, h('h2', title, ' ', badge(d.effect)),
    h('p', 'Rule ', h('code', { className: 'decision-rule' }, d.rule), ' · decision ', h('code', d.decision_id)),
    h('ul.decision-reasons', (d.reasons || []).map(r => h('li', r))),
    Object.keys(d.modifications || {}).length ? h('pre', JSON.stringify(d.modifications, null, 2)) : null);
}
