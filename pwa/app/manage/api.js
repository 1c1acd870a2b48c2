// Talking to the server for the operator and admin screens: JSON in and out, the session cookie sent
// same-origin, the session's CSRF token on every write, and problem+json answers turned into errors
// a person can read (the server's detail, and the field or row at fault).

import { t, getLang } from '../i18n.js';

let csrfToken = null;
let onSignedOut = () => {};

/** Remembers the CSRF token of the session (from POST or GET /api/v1/session); null after logout. */
export function setCsrf(token) { csrfToken = token; }

/** fn() is called when the server says the session has ended (401 on anything but a login). */
export function whenSignedOut(fn) { onSignedOut = fn; }

/** A refusal from the server, or no answer at all (status 0). */
export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, 0 when the server could not be reached
   * @param {object} body the problem+json body (or, for a refused import, the import report)
   */
  constructor(status, body) {
    const b = body && typeof body === 'object' ? body : {};
    super(status === 0 ? t('networkError') : [b.title || `HTTP ${status}`, b.detail].filter(Boolean).join(t('colon')));
    this.name = 'ApiError';
    this.status = status;
    this.body = b;
    this.code = b.code || (status === 0 ? 'network' : '');
    this.field = b.field || '';
    this.row = b.row || 0;
    this.detail = b.detail || '';
  }
}

/**
 * Sends a request and resolves to {data, res}. Options: json (a value sent as JSON), body (sent as
 * it is, e.g. a File), ifMatch (a version, sent as If-Match: "<version>"), contentType, signal.
 * Rejects with an ApiError for any answer that is not 2xx.
 */
export async function request(method, path, { json, body, ifMatch, contentType, signal } = {}) {
  const headers = { Accept: 'application/json, application/geo+json, application/problem+json', 'Accept-Language': getLang() };
  let payload = body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(json);
  } else if (contentType) {
    headers['Content-Type'] = contentType;
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (ifMatch !== undefined) headers['If-Match'] = `"${ifMatch}"`;
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store', signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, null);
  }
  let data = null;
  if (res.status !== 204) {
    const type = res.headers.get('Content-Type') || '';
    data = /json/.test(type) ? await res.json().catch(() => null) : await res.text();
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 401 && !(method === 'POST' && path === '/api/v1/session')) onSignedOut(err);
    throw err;
  }
  return { data, res };
}

/** GET path and resolve to the answer's body. */
export async function get(path, opts) {
  return (await request('GET', path, opts)).data;
}

/** A path with query parameters, each value encoded (";" and all). */
export function withQuery(path, params) {
  const q = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return q ? `${path}?${q}` : path;
}

/** The path of one station's resource. */
export function stationPath(id, rest = '') {
  return `/api/v1/stations/${encodeURIComponent(id)}${rest}`;
}
