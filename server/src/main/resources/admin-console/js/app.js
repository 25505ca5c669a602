// The console's shell: login, navigation (hash routes), and the current page.

import * as auth from './auth.js';
import * as api from './api.js';
import { h, fill } from './ui.js';

const pages = {
  overview: () => import('./pages/overview.js'),
  live: () => import('./pages/live.js'),
  audit: () => import('./pages/audit.js'),
  usage: () => import('./pages/usage.js'),
  policies: () => import('./pages/policies.js'),
  limits: () => import('./pages/limits.js'),
};

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const banner = document.getElementById('banner');
let config;
let metadata;
let me;
let cleanup = null;

async function boot() {
  try {
    config = await (await fetch('/admin/config.json')).json();
    const res = await fetch('/.well-known/openid-configuration');
    if (!res.ok) throw new Error('The identity provider\'s metadata cannot be fetched (' + res.status + ').');
    metadata = await res.json();
  } catch (e) {
    fill(main, h('div.login', h('h1', 'Console unavailable'), h('p.error', e.message)));
    return;
  }
  if (config.mode === 'demo') {
    banner.hidden = false;
    banner.textContent = 'Demo mode: the dev issuer lets anyone on this machine log in as anyone.';
  }
  try {
    await auth.completeLogin(config, metadata);
  } catch (e) {
    showLogin(e.message);
    return;
  }
  if (!auth.currentToken()) {
    showLogin();
    return;
  }
  api.whenAuthLost(() => { auth.logout(); showLogin('Your session has ended. Log in again.'); });
  try {
    me = await api.get('me');
  } catch (e) {
    if (e.status === 403) showForbidden(e);
    else if (e.status !== 401) showLogin(e.message);
    return;
  }
  nav.hidden = false;
  fill(who, h('span', { id: 'whoami' }, me.name || me.sub), me.all_tenants ? null : h('span.badge.off', 'tenant ' + me.tenant),
    h('button', { id: 'logout', onclick: () => { auth.logout(); showLogin(); } }, 'Log out'));
  window.addEventListener('hashchange', route);
  route();
}

function showLogin(message) {
  stopPage();
  nav.hidden = true;
  who.replaceChildren();
  fill(main, h('div.login.panel',
    h('h1', 'GatewayStack console'),
    h('p.muted', 'Operators log in with the gateway\'s identity provider. You need the ',
      h('code', config.admin_scope), ' scope or role.'),
    message ? h('p.error', { id: 'login-error' }, message) : null,
    h('button.primary', { id: 'login', onclick: () => auth.login(config, metadata) }, 'Log in')));
}

function showForbidden(e) {
  stopPage();
  nav.hidden = true;
  fill(who, h('button', { id: 'logout', onclick: () => { auth.logout(); showLogin(); } }, 'Log out'));
  fill(main, h('div.login.panel', { id: 'forbidden' },
    h('h1', 'Not an admin'),
    h('p.error', 'You are logged in, but your account lacks the ', h('code', config.admin_scope),
      ' scope or role that the console requires.'),
    h('p.muted', e.message)));
}

function stopPage() {
  if (cleanup) { try { cleanup(); } catch { /* page already gone */ } }
  cleanup = null;
}

async function route() {
  const [name, ...rest] = (location.hash.replace(/^#\/?/, '') || 'overview').split('/');
  const page = pages[name] ? name : 'overview';
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.page === page);
  stopPage();
  const root = h('section', { id: 'page-' + page });
  fill(main, root);
  try {
    const mod = await pages[page]();
    cleanup = await mod.render(root, { api, me, args: rest.map(decodeURIComponent) }) || null;
  } catch (e) {
    if (e.status === 403) showForbidden(e);
    else if (e.status !== 401) fill(root, h('div.panel.error', e.message || String(e)));
  }
}

boot();
