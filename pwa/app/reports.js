// Problem reports: sent at once when the server can be reached, otherwise kept in the device's outbox
// and sent when the network returns (and at every start).

import * as store from './store.js';
import { getLang } from './i18n.js';

export const reasons = [
  ['closed', 'reasonClosed'],
  ['locked', 'reasonLocked'],
  ['wrong_location', 'reasonWrongLocation'],
  ['wrong_hours', 'reasonWrongHours'],
  ['amenity_missing', 'reasonAmenityMissing'],
  ['other', 'reasonOther'],
];

// newKey names one report for the server, so that sending it again after a lost answer stores it once.
// crypto.randomUUID needs a secure context; the fallback draws the same 122 random bits.
function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

async function post(report) {
  // The refusal's detail is shown to the rider: in the app's language, not the phone's.
  const headers = { 'Content-Type': 'application/json', 'Accept-Language': getLang() };
  // Reports queued by an older version of the app have no key.
  if (report.idempotency_key) headers['Idempotency-Key'] = report.idempotency_key;
  const res = await fetch(`/api/v1/stations/${encodeURIComponent(report.station_id)}/reports`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ reason: report.reason, note: report.note }),
  });
  return res;
}

/**
 * Sends a report, or queues it when the network is down. Resolves to 'sent' or 'queued'; rejects
 * with the server's problem detail when the server refused it (that report is not queued: sending it
 * again would be refused again).
 */
export async function submit(report) {
  report = { ...report, idempotency_key: newKey() };
  let res;
  try {
    res = await post(report);
  } catch {
    await store.enqueue({ ...report, queuedAt: Date.now() });
    return 'queued';
  }
  if (res.ok) return 'sent';
  if (res.status === 429 || res.status >= 500) { // try again later
    await store.enqueue({ ...report, queuedAt: Date.now() });
    return 'queued';
  }
  const problem = await res.json().catch(() => ({}));
  throw new Error(problem.detail || `HTTP ${res.status}`);
}

let flushing = null;

/** Sends what the outbox holds, oldest first; stops at the first network failure. Resolves to the number left. */
export function flush() {
  flushing ??= (async () => {
    try {
      for (const item of await store.queued()) {
        let res;
        try {
          res = await post(item);
        } catch {
          break; // still offline
        }
        if (res.status === 429 || res.status >= 500) break;
        await store.dequeue(item.key); // sent, or refused for good (a station that no longer exists)
      }
      return (await store.queued()).length;
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

/** How many reports wait to be sent. */
export async function pending() { return (await store.queued()).length; }
