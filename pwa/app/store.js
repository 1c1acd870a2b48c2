// The device's own copy of what the app needs offline, in IndexedDB: the station dataset (written by
// the data worker) and the small record of its ETag and age, the vocabulary and settings from
// /api/v1/meta, the last position, and problem reports made offline, waiting to be sent.

const dbName = 'yizhan';
let dbPromise;

function open() {
  dbPromise ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(dbName, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore('kv');
      db.createObjectStore('outbox', { keyPath: 'key', autoIncrement: true });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return dbPromise;
}

async function run(store, mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const req = fn(tx.objectStore(store));
    tx.oncomplete = () => resolve(req && req.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** The value stored under key, or undefined. */
export function get(key) { return run('kv', 'readonly', (s) => s.get(key)); }

/** Stores value under key (durably: resolves once the transaction has committed). */
export function set(key, value) { return run('kv', 'readwrite', (s) => s.put(value, key)); }

/** Removes key. */
export function del(key) { return run('kv', 'readwrite', (s) => s.delete(key)); }

/** Adds an item to the outbox of things to send when online. */
export function enqueue(item) { return run('outbox', 'readwrite', (s) => s.add(item)); }

/** Everything waiting in the outbox, oldest first, each with its key. */
export function queued() { return run('outbox', 'readonly', (s) => s.getAll()); }

/** Removes a sent item from the outbox. */
export function dequeue(key) { return run('outbox', 'readwrite', (s) => s.delete(key)); }
