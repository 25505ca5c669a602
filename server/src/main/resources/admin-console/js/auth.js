// Browser login: OAuth authorization code with PKCE (S256) against the gateway's issuer. The access token stays
// in this tab's sessionStorage (never a cookie, never localStorage) and goes to the admin API as a Bearer token.

const TOKEN_KEY = 'gatewaystack.console.token';
const PENDING_KEY = 'gatewaystack.console.pkce';

function base64url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(n) {
  const bytes = new Uint8Array(n);
  crypto.getRandomValues(bytes);
  return base64url(bytes);
}

async function s256(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return base64url(new Uint8Array(digest));
}

export function redirectUri() {
  return location.origin + '/admin/';
}

/** The stored token, or null when there is none or it has expired. */
export function currentToken() {
  const raw = sessionStorage.getItem(TOKEN_KEY);
  if (!raw) return null;
  try {
    const t = JSON.parse(raw);
    if (Date.now() > t.expiresAt - 10_000) { sessionStorage.removeItem(TOKEN_KEY); return null; }
    return t.accessToken;
  } catch { sessionStorage.removeItem(TOKEN_KEY); return null; }
}

export function logout() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Sends the browser to the issuer's login page. */
export async function login(config, metadata) {
  const verifier = randomString(48);
  const state = randomString(16);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, page: location.hash || '#/overview' }));
  const params = new URLSearchParams({
    response_type: 'code', client_id: config.client_id, redirect_uri: redirectUri(), scope: config.scope,
    state, code_challenge: await s256(verifier), code_challenge_method: 'S256',
  });
  if (config.audience) params.set('audience', config.audience);
  location.assign(metadata.authorization_endpoint + '?' + params);
}

/**
 * Finishes a login when the issuer sent the browser back with ?code=... (or ?error=...). Returns the page to show,
 * or null when this was not a callback. Throws with a readable message when the login failed.
 */
export async function completeLogin(config, metadata) {
  const q = new URLSearchParams(location.search);
  if (!q.has('code') && !q.has('error')) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) || 'null');
  sessionStorage.removeItem(PENDING_KEY);
  history.replaceState(null, '', location.pathname + (pending?.page || '#/overview'));
  if (q.has('error')) throw new Error('The identity provider refused the login: ' + (q.get('error_description') || q.get('error')));
  if (!pending || pending.state !== q.get('state')) throw new Error('The login answer does not belong to this browser tab (state mismatch). Log in again.');
  const res = await fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: q.get('code'), redirect_uri: redirectUri(),
      client_id: config.client_id, code_verifier: pending.verifier,
    }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok || !body.access_token) throw new Error('The token request failed: ' + (body.error_description || body.error || res.status));
  sessionStorage.setItem(TOKEN_KEY, JSON.stringify({
    accessToken: body.access_token, expiresAt: Date.now() + 1000 * (body.expires_in || 300),
  }));
  return pending.page;
}
