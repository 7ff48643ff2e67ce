// Log-out wipe of the screening tool's offline data (loaded on every page, and by offline.js on the
// screening pages). Before the log-out form is sent, the server says who is logging out (GET /api/v1/me):
// - when that user's own screenings are still kept on the phone, unsent, they are warned first (and stay
//   logged in if they say no);
// - that user's queued screenings and their key (IndexedDB) are deleted, with the cached interview pages and
//   the service worker. Another user's queued screenings and key stay, on a shared tablet: they are sent when
//   that person logs in again. When no other user's screening remains, the whole database goes.
// - when the server cannot say who (the session already ended), everything is deleted, after the warning
//   with the number of every screening kept.
// What this does not do: the keys of all users are in the same browser profile (see offline.js); another user
// of that profile is kept from sending them (offline.js, the server), not from the means to read them.
// The server also answers the log-out with Clear-Site-Data; when other users' screenings remain, the form
// says so (keep_offline_queue=1), so that it does not wipe the site's storage with them.
(() => {
  "use strict";
  if (window.allianceScreeningWipe) {
    return;  // loaded twice (base template and screening page): one listener is enough
  }
  const DB_NAME = "alliance-screening";
  const CACHE_PREFIX = "alliance-screening-";
  const LOCK = "alliance-screening-sync";  // offline.js sends under it: nothing is deleted mid-send
  const LEGACY_KEY = "queue";  // the single key of the queue before one key per user
  const script = document.currentScript;
  const ME_URL = (script && script.dataset.meUrl) || "/api/v1/me";
  const FALLBACK = "Screenings not yet sent will be deleted from this phone if you log out now: {n}. Log out anyway?";

  function confirmText(count) {
    const texts = document.getElementById("screening-offline-texts");
    const text = (script && script.dataset.confirm) || (texts && texts.dataset.confirmLogout) || FALLBACK;
    return text.replace("{n}", String(count));
  }

  function within(promise, ms, fallback) {
    // Logging out must never hang on a browser store or the network.
    return Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(fallback), ms))]);
  }

  async function databaseExists() {
    if (!window.indexedDB) {
      return false;
    }
    if (typeof indexedDB.databases !== "function") {
      return true;  // cannot tell: open it to look (and it is deleted right after when it was not there)
    }
    const list = await indexedDB.databases();
    return list.some((db) => db.name === DB_NAME);
  }

  // The database when it exists with its stores, else null (nothing created).
  async function openDatabase() {
    if (!(await databaseExists())) {
      return null;
    }
    return new Promise((resolve) => {
      const request = indexedDB.open(DB_NAME);
      request.onerror = () => resolve(null);
      request.onblocked = () => resolve(null);
      request.onupgradeneeded = () => {
        request.transaction.abort();  // it did not exist: nothing to read, and nothing created
      };
      request.onsuccess = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("queue") || !db.objectStoreNames.contains("keys")) {
          db.close();
          resolve(null);
          return;
        }
        resolve(db);
      };
    });
  }

  // Whose a queued screening is: the user it was taken by (records from before taken_by name only a user).
  function ownerOf(record) {
    const takenBy = record && record.taken_by;
    return String(takenBy && takenBy.user_id !== undefined ? takenBy.user_id : record && record.user_id);
  }

  async function readQueue() {
    const db = await openDatabase();
    if (!db) {
      return [];
    }
    return new Promise((resolve) => {
      const reading = db.transaction("queue", "readonly").objectStore("queue").getAll();
      reading.onsuccess = () => {
        db.close();
        resolve(reading.result.map((record) => ({client_uuid: record.client_uuid, user: ownerOf(record)})));
      };
      reading.onerror = () => {
        db.close();
        resolve([]);
      };
    });
  }

  async function count() {
    return (await readQueue()).length;
  }

  // The user logging out, as the server says (null when it cannot: no session any more, no connection).
  async function whoIsLeaving() {
    try {
      const response = await fetch(ME_URL, {credentials: "same-origin", cache: "no-store",
        headers: {Accept: "application/json"}});
      if (!response.ok) {
        return null;
      }
      const me = await response.json();
      return me && me.id !== undefined && me.id !== null ? String(me.id) : null;
    } catch (error) {
      return null;
    }
  }

  // {user, mine, others}: the user's own kept screenings (every one when the user is not known) and the rest.
  async function plan() {
    const [user, records] = await Promise.all([within(whoIsLeaving(), 2000, null), within(readQueue(), 2000, [])]);
    const mine = user === null ? records.length : records.filter((record) => record.user === user).length;
    return {user, mine, others: records.length - mine};
  }

  function deleteDatabase() {
    return new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
  }

  // Deletes the user's records and key; the whole database when no one else's record remains.
  async function forgetUser(user) {
    const db = await openDatabase();
    if (!db) {
      return;
    }
    const remaining = await new Promise((resolve) => {
      const transaction = db.transaction(["queue", "keys"], "readwrite");
      const queue = transaction.objectStore("queue");
      const keys = transaction.objectStore("keys");
      let left = 0;
      let legacyLeft = 0;
      const cursor = queue.openCursor();
      cursor.onsuccess = () => {
        const at = cursor.result;
        if (at) {
          if (ownerOf(at.value) === user) {
            at.delete();
          } else {
            left += 1;
            legacyLeft += at.value.taken_by ? 0 : 1;
          }
          at.continue();
          return;
        }
        keys.delete(`user:${user}`);
        if (!legacyLeft) {
          keys.delete(LEGACY_KEY);
        }
      };
      transaction.oncomplete = () => resolve(left);
      transaction.onerror = transaction.onabort = () => resolve(-1);
    });
    db.close();
    if (remaining === 0) {
      await deleteDatabase();
    } else if (remaining < 0) {
      throw new Error("not deleted");
    }
  }

  function underLock(task) {
    // Waits (briefly) for a send in progress to end; deletes anyway after that.
    if (!(navigator.locks && typeof navigator.locks.request === "function" && window.AbortController)) {
      return task();
    }
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), 1500);
    return navigator.locks.request(LOCK, {signal: stop.signal}, () => {
      clearTimeout(timer);
      return task();
    }).catch((error) => {
      if (error && error.name === "AbortError") {
        return task();
      }
      throw error;
    });
  }

  // user: the id of the user logging out (their records and key go; the others' stay), or null: everything.
  async function wipe(user) {
    const steps = [];
    if ("serviceWorker" in navigator) {
      steps.push(navigator.serviceWorker.getRegistrations()
        .then((registrations) => Promise.all(registrations.map((registration) => registration.unregister()))));
    }
    if (window.caches) {
      // The kept interview pages carry the session's ids and token: all go (the next user prepares their own).
      steps.push(caches.keys().then((names) => Promise.all(
        names.filter((name) => name.startsWith(CACHE_PREFIX)).map((name) => caches.delete(name)))));
    }
    if (window.indexedDB) {
      steps.push(user === null || user === undefined ? deleteDatabase()
        : underLock(() => forgetUser(String(user))).catch(() => deleteDatabase()));
    }
    await within(Promise.allSettled(steps), 3000);
  }

  function isLogout(form) {
    return form instanceof HTMLFormElement && form.querySelector('[data-testid="logout"]') !== null;
  }

  function keepQueue(form) {
    if (!form.querySelector("input[name=keep_offline_queue]")) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = "keep_offline_queue";
      input.value = "1";
      form.append(input);
    }
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!isLogout(form) || form.dataset.wiped === "1") {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    (async () => {
      let found = {user: null, mine: 0, others: 0};
      try {
        found = await plan();
      } catch (error) {
        found = {user: null, mine: 0, others: 0};
      }
      if (found.mine > 0 && !window.confirm(confirmText(found.mine))) {
        return;
      }
      const partial = found.user !== null && found.others > 0;
      try {
        await wipe(partial ? found.user : null);
      } finally {
        if (partial) {
          keepQueue(form);
        }
        form.dataset.wiped = "1";
        form.submit();
      }
    })();
  }, true);

  window.allianceScreeningWipe = {wipe, count, plan};
})();
