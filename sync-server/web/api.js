// The JSON API under /api/hq/v1: the session is an HttpOnly cookie; every POST carries the CSRF
// token the server gave at sign-in (or /me). Errors come back as ApiError with the server's code.
const base = '/api/hq/v1';
let csrfToken = '';
let onSignedOut = () => {};

export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

export function setCsrfToken(token) { csrfToken = token || ''; }
export function whenSignedOut(callback) { onSignedOut = callback; }

export function query(params = {}) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') q.set(key, value);
  }
  const text = q.toString();
  return text ? `?${text}` : '';
}

export function url(path, params) { return `${base}${path}${query(params)}`; }

async function request(method, path, { params, body, quietUnauthorized = false } = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin' };
  if (method === 'POST') {
    headers['Content-Type'] = 'application/json';
    headers['X-CSRF-Token'] = csrfToken;
    init.body = JSON.stringify(body ?? {});
  }
  let res;
  try {
    res = await fetch(url(path, params), init);
  } catch {
    throw new ApiError(0, 'network', '');
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    const err = data && data.error ? data.error : {};
    const error = new ApiError(res.status, err.code || `http_${res.status}`, err.message || '',
      Number(res.headers.get('Retry-After')) || 0);
    if (res.status === 401 && !quietUnauthorized) onSignedOut();
    throw error;
  }
  return data;
}

export const api = {
  get: (path, params, options = {}) => request('GET', path, { params, ...options }),
  post: (path, body, options = {}) => request('POST', path, { body, ...options }),
};
