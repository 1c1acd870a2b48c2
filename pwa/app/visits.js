// "I'm here": a rider who opened a station's link (its QR code, /s/{id}) says they are at the station.
// The server counts each device once per station and day; the device is a random id kept on it (no
// account, nothing about the rider). Sent through the outbox, so a visit made offline is sent when the
// network returns. The device also remembers which stations it said so at today, so a second tap the
// same day sends nothing.

import * as store from './store.js';
import * as outbox from './outbox.js';
import { getLang } from './i18n.js';

function post(item) {
  return fetch(`/api/v1/stations/${encodeURIComponent(item.station_id)}/visits`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Accept-Language': getLang() },
    body: JSON.stringify({ device: item.device }),
  });
}

outbox.register('visit', post);

/** The day in Asia/Shanghai at now, "2026-12-07": the day the server counts a visit for. */
export function today(now = new Date()) {
  return new Date(now.getTime() + 8 * 3600e3).toISOString().slice(0, 10);
}

/** This device's random id: 32 hex digits, made once and kept on the device. */
async function device() {
  let id = await store.get('device');
  if (!id) {
    id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (x) => x.toString(16).padStart(2, '0')).join('');
    await store.set('device', id);
  }
  return id;
}

/** Whether this device said "I'm here" at station id today. */
export async function recorded(id, now = new Date()) {
  const done = await store.get('visits').catch(() => null);
  return done?.[id] === today(now);
}

/**
 * Says "I'm here" at station id: resolves to 'sent', 'queued' or 'already' (this device said so there
 * today: nothing is sent). Rejects with the server's detail when the server refused it.
 */
export async function record(id, now = new Date()) {
  const day = today(now);
  const done = (await store.get('visits').catch(() => null)) || {};
  if (done[id] === day) return 'already';
  const how = await outbox.submit({ kind: 'visit', station_id: id, device: await device() });
  for (const k of Object.keys(done)) if (done[k] !== day) delete done[k]; // days gone
  done[id] = day;
  await store.set('visits', done);
  return how;
}

/** How many visits wait to be sent. */
export function pending() { return outbox.pending('visit'); }
