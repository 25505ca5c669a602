// The admin API client: JSON calls with the Bearer token, downloads, and the live event stream (fetch + a
// ReadableStream reader, because EventSource cannot send an Authorization header).

import { currentToken } from './auth.js';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error_description || body?.error || ('HTTP ' + status));
    this.status = status;
    this.code = body?.error;
    this.body = body;
  }
}

let onAuthLost = () => {};
export function whenAuthLost(handler) { onAuthLost = handler; }

function headers(extra = {}) {
  const token = currentToken();
  return token ? { Authorization: 'Bearer ' + token, ...extra } : extra;
}

async function check(res) {
  if (res.ok) return res;
  const body = await res.json().catch(() => null);
  const err = new ApiError(res.status, body);
  if (res.status === 401) onAuthLost(err);
  throw err;
}

export async function get(path, params = {}) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const res = await check(await fetch('/admin/api/' + path + (q.size ? '?' + q : ''), { headers: headers() }));
  return res.json();
}

export async function post(path, body) {
  const res = await check(await fetch('/admin/api/' + path, {
    method: 'POST', headers: headers({ 'Content-Type': 'application/json' }), body: JSON.stringify(body ?? {}),
  }));
  return res.json();
}

/** Downloads an export as a file (the token cannot ride on a plain link). */
export async function download(path, params, filename) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
  const res = await check(await fetch('/admin/api/' + path + '?' + q, { headers: headers() }));
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url; a.download = filename;
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return res.headers.get('X-Export-Truncated') === 'true';
}

/**
 * Streams /admin/api/live: calls onEvent(summary) per audit event, onStatus(text) on (re)connects and drops.
 * Reconnects with backoff until stop() is called.
 */
export function stream(onEvent, onStatus) {
  const controller = new AbortController();
  let stopped = false;
  let backoff = 1000;
  async function run() {
    while (!stopped) {
      try {
        const res = await check(await fetch('/admin/api/live', { headers: headers(), signal: controller.signal }));
        onStatus('connected');
        backoff = 1000;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let event = 'message';
            let data = '';
            for (const line of frame.split('\n')) {
              if (line.startsWith('event:')) event = line.slice(6).trim();
              else if (line.startsWith('data:')) data += line.slice(5).trim();
            }
            if (!data) continue;
            if (event === 'message') onEvent(JSON.parse(data));
            else if (event === 'dropped') onStatus('dropped ' + JSON.parse(data).dropped + ' events (viewer too slow)');
            else if (event === 'expired') { onStatus('session expired'); return; }
          }
        }
        if (!stopped) onStatus('reconnecting…');
      } catch (e) {
        if (stopped) return;
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) { onStatus(e.message); return; }
        onStatus('disconnected (' + e.message + '), retrying…');
      }
      await new Promise(r => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 15_000);
    }
  }
  run();
  return () => { stopped = true; controller.abort(); };
}
