// The outbox: what a rider sends (problem reports, "I'm here" visits) goes at once when the server can
// be reached; otherwise it is kept on the device and sent when the network returns (and at every
// start). Each kind of item registers how it is sent.

import * as store from './store.js';

const senders = new Map(); // kind → (item) => Promise<Response>

/** Registers send(item) → fetch's Response for the items of kind. */
export function register(kind, send) { senders.set(kind, send); }

// Reports queued by a version of the app before there were kinds have none.
const kindOf = (item) => item.kind || 'report';

// A refusal worth trying again later: too many at once, or the server's trouble.
const later = (res) => res.status === 429 || res.status >= 500;

/**
 * Sends item, or queues it when the network is down or the server asks to wait. Resolves to 'sent'
 * or 'queued'; rejects with the server's problem detail when the server refused it (that item is not
 * queued: sending it again would be refused again).
 */
export async function submit(item) {
  let res;
  try {
    res = await senders.get(kindOf(item))(item);
  } catch {
    await store.enqueue({ ...item, queuedAt: Date.now() });
    return 'queued';
  }
  if (res.ok) return 'sent';
  if (later(res)) {
    await store.enqueue({ ...item, queuedAt: Date.now() });
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
        const send = senders.get(kindOf(item));
        if (!send) continue; // a kind this page does not send
        let res;
        try {
          res = await send(item);
        } catch {
          break; // still offline
        }
        if (later(res)) break;
        await store.dequeue(item.key); // sent, or refused for good (a station that no longer exists)
      }
      return (await store.queued()).length;
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

/** How many items of kind (every kind when none is given) wait to be sent. */
export async function pending(kind) {
  return (await store.queued()).filter((i) => !kind || kindOf(i) === kind).length;
}
