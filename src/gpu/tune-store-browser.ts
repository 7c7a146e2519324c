import type { TuneStore } from '../engine/tuner.js';

const DB = 'latentgpu';
const STORE = 'tuning';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Tuning results in IndexedDB, one record under the key `winners`; absent IndexedDB means no cache. */
export function indexedDbTuneStore(): TuneStore {
  return {
    async load() {
      if (typeof indexedDB === 'undefined') return {};
      const db = await open();
      return new Promise((resolve, reject) => {
        const req = db.transaction(STORE, 'readonly').objectStore(STORE).get('winners');
        req.onsuccess = () => { db.close(); resolve((req.result as Record<string, string> | undefined) ?? {}); };
        req.onerror = () => { db.close(); reject(req.error); };
      });
    },
    async save(entries) {
      if (typeof indexedDB === 'undefined') return;
      const db = await open();
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction(STORE, 'readwrite');
        tx.objectStore(STORE).put(entries, 'winners');
        tx.oncomplete = () => { db.close(); resolve(); };
        tx.onerror = () => { db.close(); reject(tx.error); };
      });
    },
  };
}
