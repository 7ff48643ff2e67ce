// Log-out wipe of the screening tool's offline data (loaded on every page, and by offline.js on the
// screening pages). Before the log-out form is sent: warn when screenings are still waiting to be sent,
// then delete the encrypted queue and its key (IndexedDB), the cached interview pages and the service
// worker. The server also answers the log-out with Clear-Site-Data.
(() => {
  "use strict";
  if (window.allianceScreeningWipe) {
    return;  // loaded twice (base template and screening page): one listener is enough
  }
  const DB_NAME = "alliance-screening";
  const CACHE_PREFIX = "alliance-screening-";
  const script = document.currentScript;
  const FALLBACK = "Screenings not yet sent will be deleted from this phone if you log out now: {n}. Log out anyway?";

  function confirmText(count) {
    const texts = document.getElementById("screening-offline-texts");
    const text = (script && script.dataset.confirm) || (texts && texts.dataset.confirmLogout) || FALLBACK;
    return text.replace("{n}", String(count));
  }

  function within(promise, ms) {
    // Logging out must never hang on a browser store.
    return Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms))]);
  }

  async function databaseExists() {
    if (!window.indexedDB) {
      return false;
    }
    if (typeof indexedDB.databases !== "function") {
      return true;  // cannot tell: open it to count (and it is deleted right after)
    }
    const list = await indexedDB.databases();
    return list.some((db) => db.name === DB_NAME);
  }

  async function count() {
    if (!(await databaseExists())) {
      return 0;
    }
    return new Promise((resolve) => {
      const request = indexedDB.open(DB_NAME);
      request.onerror = () => resolve(0);
      request.onupgradeneeded = () => {
        request.transaction.abort();  // it did not exist: nothing to count, and nothing created
      };
      request.onsuccess = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("queue")) {
          db.close();
          resolve(0);
          return;
        }
        const counting = db.transaction("queue", "readonly").objectStore("queue").count();
        counting.onsuccess = () => {
          db.close();
          resolve(counting.result);
        };
        counting.onerror = () => {
          db.close();
          resolve(0);
        };
      };
    });
  }

  async function wipe() {
    const steps = [];
    if ("serviceWorker" in navigator) {
      steps.push(navigator.serviceWorker.getRegistrations()
        .then((registrations) => Promise.all(registrations.map((registration) => registration.unregister()))));
    }
    if (window.caches) {
      steps.push(caches.keys().then((names) => Promise.all(
        names.filter((name) => name.startsWith(CACHE_PREFIX)).map((name) => caches.delete(name)))));
    }
    if (window.indexedDB) {
      steps.push(new Promise((resolve) => {
        const request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = request.onblocked = () => resolve();
      }));
    }
    await within(Promise.allSettled(steps), 3000);
  }

  function isLogout(form) {
    return form instanceof HTMLFormElement && form.querySelector('[data-testid="logout"]') !== null;
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!isLogout(form) || form.dataset.wiped === "1") {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    (async () => {
      let waiting = 0;
      try {
        waiting = await within(count(), 2000) || 0;
      } catch (error) {
        waiting = 0;
      }
      if (waiting > 0 && !window.confirm(confirmText(waiting))) {
        return;
      }
      try {
        await wipe();
      } finally {
        form.dataset.wiped = "1";
        form.submit();
      }
    })();
  }, true);

  window.allianceScreeningWipe = {wipe, count};
})();
