// Problem reports, sent through the outbox (outbox.js): at once when the server can be reached,
// otherwise when the network returns.

import * as outbox from './outbox.js';
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

function post(report) {
  // The refusal's detail is shown to the rider: in the app's language, not the phone's.
  const headers = { 'Content-Type': 'application/json', 'Accept-Language': getLang() };
  // Reports queued by an older version of the app have no key.
  if (report.idempotency_key) headers['Idempotency-Key'] = report.idempotency_key;
  return fetch(`/api/v1/stations/${encodeURIComponent(report.station_id)}/reports`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ reason: report.reason, note: report.note }),
  });
}

outbox.register('report', post);

/**
 * Sends a report {station_id, reason, note}, or queues it when the network is down. Resolves to
 * 'sent' or 'queued'; rejects with the server's problem detail when the server refused it.
 */
export function submit(report) {
  return outbox.submit({ ...report, kind: 'report', idempotency_key: newKey() });
}

/** How many reports wait to be sent. */
export function pending() { return outbox.pending('report'); }
