// Small DOM helpers: no framework, no innerHTML with data (every value goes through textContent).

/** h('div.card', {onclick}, child, 'text', ...) */
export function h(spec, attrs, ...children) {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length) el.className = classes.join(' ');
  if (attrs === undefined || attrs === null) {
    attrs = null;
  } else if (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs)) {
    children.unshift(attrs); // h('td', 0) is a cell holding 0, not attributes
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && k !== 'list') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function badge(text, kind) {
  return h('span.badge.' + (kind || text), text);
}

export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function fmtNum(n, digits = 0) {
  if (n === null || n === undefined) return '–';
  return Number(n).toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function fmtCost(n) {
  if (n === null || n === undefined) return '';
  return Number(n).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: n < 1 ? 6 : 2 });
}

export function fmtPct(x) {
  return x === null || x === undefined ? '–' : (100 * x).toFixed(x < 0.1 ? 2 : 1) + ' %';
}

/**
 * A table: columns are {key, label, num, render(row)}; onRow(row) makes rows clickable.
 */
export function table(columns, rows, onRow, rowClass) {
  const head = h('tr', columns.map(c => h('th' + (c.num ? '.num' : ''), c.label ?? c.key)));
  const body = rows.map(r => {
    const tr = h('tr', columns.map(c => {
      const v = c.render ? c.render(r) : r[c.key];
      return h('td' + (c.num ? '.num' : ''), v ?? '');
    }));
    if (onRow) { tr.classList.add('click'); tr.tabIndex = 0; tr.addEventListener('click', () => onRow(r)); tr.addEventListener('keydown', e => { if (e.key === 'Enter') onRow(r); }); }
    if (rowClass) { const cls = rowClass(r); if (cls) tr.classList.add(cls); }
    return tr;
  });
  return h('div.table-wrap', h('table', h('thead', head), h('tbody', body)));
}

export function errorBox(e) {
  return h('div.panel.error', e.message || String(e));
}

/** Replaces an element's content. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}
