// Offline capture of screenings: the service worker, the encrypted queue in IndexedDB, and its sync.
//
// When interview.js dispatches "screening:finished" {payload}, the payload is encrypted (AES-GCM, WebCrypto)
// under a key made in this browser that can never be read out of it (non-extractable, kept in IndexedDB),
// with the user's id and the screening's client_uuid bound to it as additional data; then it is sent. A
// screening the server received is deleted at once; one refused (409 conflict, 422 invalid) is kept and
// shown; one that cannot be decrypted (tampered with or damaged) is never sent and is shown. Only the
// logged-in user's screenings are sent; the server also stores each client_uuid once.
//
// Events on document: "screening:stored" {client_uuid, id, url, outcome} (for a screening finished on this
// page), "screening:queued" {client_uuid}, "screening:refused" {client_uuid, status, errors},
// "screening:synced" {sent, pending, problems, stored: [...]}, "screening:precached" {requested, kept}.
(() => {
  "use strict";
  const DB_NAME = "alliance-screening";
  const DB_VERSION = 1;
  const KEY_ID = "queue";
  const LOCK = "alliance-screening-sync";
  const script = document.currentScript;
  const data = (script && script.dataset) || {};

  function readJson(id) {
    const element = document.getElementById(id);
    if (!element) {
      return {};
    }
    try {
      return JSON.parse(element.textContent) || {};
    } catch (error) {
      return {};
    }
  }

  const context = readJson("screening-context");
  const settings = {
    swUrl: data.swUrl || context.sw_url || "/screening/sw.js",
    swScope: data.swScope || context.sw_scope || "/screening/",
    submitUrl: context.submit_url || data.submitUrl || "/api/v1/screenings",
    homeUrl: data.homeUrl || context.home_url || "/screening/",
    loginUrl: data.loginUrl || context.login_url || "/accounts/login/",
    meUrl: data.meUrl || "/api/v1/me",
  };
  let csrfToken = context.csrf_token || csrfFromPage(document);
  let userId = context.user_id !== undefined && context.user_id !== null ? String(context.user_id) : (data.userId || "");
  const finishedHere = new Set();  // screenings finished on this page: their result is shown here
  let loginNeeded = false;
  let lastProblemStates = "";

  function csrfFromPage(doc) {
    const input = doc.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- Texts: translated by the page (screening/_offline.html), English when it gives none -----------------
  const textElement = document.getElementById("screening-offline-texts");
  const given = (textElement && textElement.dataset) || {};
  const ENGLISH = {
    waiting1: "{n} screening is waiting to be sent.",
    waiting2: "{n} screenings are waiting to be sent.",
    waiting5: "{n} screenings are waiting to be sent.",
    nothingWaiting: "Every screening taken on this phone has been sent.",
    login: "Log in again to send the screenings waiting on this phone: {n}.",
    loginLink: "Log in",
    others: "Screenings taken by another user on this phone, kept until they log in: {n}.",
    problems: "Screenings that could not be sent",
    conflict: "Another screening was already received with the same id. This one was kept; tell your administrator.",
    refused: "The server refused this screening:",
    damaged: "This saved screening is damaged or was changed on this phone and cannot be sent.",
    noStorage: "This browser cannot keep screenings while offline; the screening was not saved.",
    reference: "Reference {ref}, finished {when}",
    sendNow: "Send now",
    sending: "Sending…",
    discard: "Delete",
    confirmDiscard: "Delete this screening from this phone? It was not received and cannot be recovered.",
    sent1: "Screenings sent: {n}.",
    queued: "No connection: the screening is kept, encrypted, on this phone and will be sent when the connection is back.",
    offline: "No connection. Screenings are kept on this phone and sent when the connection is back.",
  };
  function text(key) {
    return given[key] || ENGLISH[key] || key;
  }
  function format(key, values) {
    return Object.entries(values).reduce((s, [name, value]) => s.split(`{${name}}`).join(String(value)), text(key));
  }
  const language = document.documentElement.lang || "en";
  function plural(n) {
    // The page renders the sentence for 1, 2 and 5; the language's plural rules pick the form for n.
    let rules;
    try {
      rules = new Intl.PluralRules(language);
    } catch (error) {
      rules = new Intl.PluralRules("en");
    }
    const forms = {};
    for (const sample of [5, 2, 1]) {
      forms[rules.select(sample)] = text(`waiting${sample}`);
    }
    return (forms[rules.select(n)] || forms.other || text("waiting2")).split("{n}").join(String(n));
  }

  function emit(name, detail) {
    document.dispatchEvent(new CustomEvent(name, {detail}));
  }

  // --- IndexedDB -------------------------------------------------------------------------------------------
  let dbPromise = null;

  function database() {
    if (!window.indexedDB) {
      return Promise.reject(new Error("no IndexedDB"));
    }
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, DB_VERSION);
        request.onupgradeneeded = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains("keys")) {
            db.createObjectStore("keys", {keyPath: "id"});
          }
          if (!db.objectStoreNames.contains("queue")) {
            db.createObjectStore("queue", {keyPath: "client_uuid"});
          }
        };
        request.onsuccess = () => {
          const db = request.result;
          db.onversionchange = () => {  // the log-out wipe deletes the database: let it
            db.close();
            dbPromise = null;
          };
          db.onclose = () => {
            dbPromise = null;
          };
          resolve(db);
        };
        request.onerror = () => {
          dbPromise = null;
          reject(request.error);
        };
        request.onblocked = () => {
          dbPromise = null;
          reject(new Error("IndexedDB blocked"));
        };
      });
    }
    return dbPromise;
  }

  function call(db, store, mode, operation) {
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(store, mode);
      const request = operation(transaction.objectStore(store));
      let result;
      request.onsuccess = () => {
        result = request.result;
      };
      transaction.oncomplete = () => resolve(result);
      transaction.onerror = () => reject(transaction.error || request.error);
      transaction.onabort = () => reject(transaction.error || new Error("aborted"));
    });
  }

  const idb = {
    get: (db, store, key) => call(db, store, "readonly", (s) => s.get(key)),
    all: (db, store) => call(db, store, "readonly", (s) => s.getAll()),
    put: (db, store, value) => call(db, store, "readwrite", (s) => s.put(value)),
    add: (db, store, value) => call(db, store, "readwrite", (s) => s.add(value)),
    remove: (db, store, key) => call(db, store, "readwrite", (s) => s.delete(key)),
  };

  // --- Encryption ------------------------------------------------------------------------------------------
  async function queueKey(db, create) {
    const found = await idb.get(db, "keys", KEY_ID);
    if (found && found.key) {
      return found.key;
    }
    if (!create) {
      return null;
    }
    // Non-extractable: scripts can use it in this browser but never read it out.
    const key = await crypto.subtle.generateKey({name: "AES-GCM", length: 256}, false, ["encrypt", "decrypt"]);
    try {
      await idb.add(db, "keys", {id: KEY_ID, key, created_at: new Date().toISOString()});
      return key;
    } catch (error) {
      const other = await idb.get(db, "keys", KEY_ID);  // another tab made one at the same moment
      if (other && other.key) {
        return other.key;
      }
      throw error;
    }
  }

  function boundData(user, clientUuid) {
    return new TextEncoder().encode(`alliance-screening\u0000${user}\u0000${clientUuid}`);
  }

  async function seal(db, payload, user) {
    const key = await queueKey(db, true);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const plaintext = new TextEncoder().encode(JSON.stringify(payload));
    const ciphertext = await crypto.subtle.encrypt(
      {name: "AES-GCM", iv, additionalData: boundData(user, payload.client_uuid)}, key, plaintext);
    return {
      client_uuid: payload.client_uuid, user_id: user, iv, ciphertext: new Uint8Array(ciphertext),
      queued_at: new Date().toISOString(), state: "pending", errors: null,
    };
  }

  async function unseal(db, record) {
    const key = await queueKey(db, false);
    if (!key) {
      throw new Error("no key");
    }
    const plaintext = await crypto.subtle.decrypt(
      {name: "AES-GCM", iv: record.iv, additionalData: boundData(record.user_id, record.client_uuid)},
      key, record.ciphertext);
    const payload = JSON.parse(new TextDecoder().decode(plaintext));
    if (!payload || payload.client_uuid !== record.client_uuid) {
      throw new Error("mismatch");
    }
    return payload;
  }

  // --- Sending ---------------------------------------------------------------------------------------------
  function withLock(task) {
    // Two tabs never send the same screening at once (the server also stores each client_uuid once).
    if (navigator.locks && typeof navigator.locks.request === "function") {
      return navigator.locks.request(LOCK, task);
    }
    const run = withLock.chain.then(task, task);
    withLock.chain = run.catch(() => undefined);
    return run;
  }
  withLock.chain = Promise.resolve();

  async function currentUser() {
    if (userId) {
      return userId;
    }
    try {
      const response = await fetch(settings.meUrl, {credentials: "same-origin", headers: {Accept: "application/json"}});
      if (response.ok) {
        const me = await response.json();
        userId = String(me.id);
      }
    } catch (error) {
      /* offline: nothing is sent without knowing whose screenings these are */
    }
    return userId;
  }

  async function freshToken() {
    // A page opened from the offline copy may carry the token of an earlier session: fetch a current one.
    try {
      const response = await fetch(settings.homeUrl, {credentials: "same-origin", cache: "no-store"});
      if (!response.ok || response.redirected) {
        return false;
      }
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = readJsonFrom(page);
      if (fresh.user_id !== undefined && fresh.user_id !== null && String(fresh.user_id) !== userId) {
        return false;  // someone else is logged in now: their session does not send these
      }
      const token = fresh.csrf_token || csrfFromPage(page);
      if (!token || token === csrfToken) {
        return false;
      }
      csrfToken = token;
      return true;
    } catch (error) {
      return false;
    }
  }

  function readJsonFrom(doc) {
    const element = doc.getElementById("screening-context");
    try {
      return element ? JSON.parse(element.textContent) || {} : {};
    } catch (error) {
      return {};
    }
  }

  function post(payload) {
    return fetch(settings.submitUrl, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: {"Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken},
      body: JSON.stringify(payload),
    });
  }

  function errorsOf(body, status) {
    const error = body && body.error;
    const details = error && error.details && typeof error.details === "object" ? error.details : {};
    const errors = {};
    if (status === 409) {  // the details only name the stored screening's id
      errors.__all__ = [error && error.message ? String(error.message) : `HTTP ${status}`];
      return errors;
    }
    for (const [field, messages] of Object.entries(details)) {
      errors[field] = (Array.isArray(messages) ? messages : [messages]).map(String);
    }
    if (!Object.keys(errors).length) {
      errors.__all__ = [error && error.message ? String(error.message) : `HTTP ${status}`];
    }
    return errors;
  }

  // Sends one screening. Returns {kind: "stored"|"refused"|"damaged"|"login"|"network", ...}.
  async function sendPayload(payload, retried) {
    let response;
    try {
      response = await post(payload);
    } catch (error) {
      return {kind: "network"};
    }
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      body = null;
    }
    if ((response.status === 201 || response.status === 200) && body && body.id) {
      return {kind: "stored", detail: {client_uuid: payload.client_uuid, id: body.id, url: body.url, outcome: body.outcome}};
    }
    if (response.status === 401 || response.status === 403) {
      if (!retried && await freshToken()) {
        return sendPayload(payload, true);
      }
      return {kind: "login"};
    }
    if (response.status === 409 || response.status === 422 || response.status === 400 || response.status === 413) {
      return {kind: "refused", status: response.status, errors: errorsOf(body, response.status)};
    }
    return {kind: "network"};  // a server error or a page in the way: keep it and try again later
  }

  async function sendRecord(db, record) {
    let payload;
    try {
      payload = await unseal(db, record);
    } catch (error) {
      await idb.put(db, "queue", {...record, state: "damaged", errors: null});
      return {kind: "damaged"};
    }
    const result = await sendPayload(payload, false);
    if (result.kind === "stored") {
      await idb.remove(db, "queue", record.client_uuid);  // wiped once the server has it
    } else if (result.kind === "refused") {
      await idb.put(db, "queue", {...record, state: result.status === 409 ? "conflict" : "refused",
        errors: result.errors, status: result.status});
    }
    return result;
  }

  async function sync(options) {
    const finished = options && options.finished;
    const outcome = {sent: 0, stored: [], stopped: null};
    if (!window.indexedDB) {
      return outcome;
    }
    await withLock(async () => {
      const db = await database();
      const user = await currentUser();
      if (!user) {
        outcome.stopped = "network";
        if (finished) {
          emit("screening:queued", {client_uuid: finished});
        }
        return;
      }
      const records = (await idb.all(db, "queue"))
        .filter((record) => String(record.user_id) === user && record.state === "pending")
        .sort((a, b) => (a.client_uuid === finished ? -1 : b.client_uuid === finished ? 1 : a.queued_at.localeCompare(b.queued_at)));
      for (const listed of records) {
        const record = await idb.get(db, "queue", listed.client_uuid);  // another tab may have sent it meanwhile
        if (!record || record.state !== "pending") {
          continue;
        }
        const result = await sendRecord(db, record);
        const mine = finishedHere.has(record.client_uuid);
        if (result.kind === "stored") {
          outcome.sent += 1;
          outcome.stored.push(result.detail);
          loginNeeded = false;
          if (mine) {
            emit("screening:stored", result.detail);
          }
        } else if (result.kind === "refused" || result.kind === "damaged") {
          if (mine) {
            emit("screening:refused", {client_uuid: record.client_uuid, status: result.status || 0,
              errors: result.errors || {__all__: [text("damaged")]}});
          }
        } else {
          if (record.client_uuid === finished) {
            announce(text("queued"));
            emit("screening:queued", {client_uuid: record.client_uuid});
          }
          loginNeeded = result.kind === "login";
          outcome.stopped = result.kind;
          break;  // no connection, or no session: the others would fail the same way
        }
      }
    });
    return outcome;
  }

  let syncing = null;

  async function syncNow(options) {
    if (syncing && !(options && options.finished)) {
      return syncing;  // one background sync at a time per page
    }
    const run = (async () => {
      setBusy(true);
      try {
        const outcome = await sync(options);
        const state = await render();
        if (outcome.sent) {
          announce(format("sent1", {n: outcome.sent}));
        } else if (outcome.stopped === "network" && !navigator.onLine) {
          announce(text("offline"));
        }
        if (box) {
          box.dataset.syncs = String(Number(box.dataset.syncs || 0) + 1);
        }
        emit("screening:synced", {sent: outcome.sent, pending: state.pending, problems: state.problems,
          stored: outcome.stored});
        return outcome;
      } catch (error) {
        if (options && options.finished) {
          emit("screening:queued", {client_uuid: options.finished});  // it is saved; it goes with the next sync
        }
        await render();
        return null;
      } finally {
        setBusy(false);
      }
    })();
    if (!(options && options.finished)) {
      syncing = run;
      run.finally(() => {
        syncing = null;
      });
    }
    return run;
  }

  // --- A finished interview ---------------------------------------------------------------------------------
  async function finished(payload) {
    if (!payload || typeof payload !== "object" || !payload.client_uuid) {
      return;
    }
    finishedHere.add(payload.client_uuid);
    if (navigator.onLine === false && payload.offline !== true) {
      // Decided once, before the first attempt: the stored copy is what is sent every time after.
      payload = {...payload, offline: true};
    }
    let user = userId;
    let saved = false;
    try {
      const db = await database();
      user = user || await currentUser();
      await idb.put(db, "queue", await seal(db, payload, user));
      saved = true;
    } catch (error) {
      saved = false;
    }
    if (saved) {
      await syncNow({finished: payload.client_uuid});
      return;
    }
    // No storage in this browser (a private window, say): send at once, or say it was not saved.
    const result = await sendPayload(payload, false);
    if (result.kind === "stored") {
      emit("screening:stored", result.detail);
    } else if (result.kind === "refused") {
      emit("screening:refused", {client_uuid: payload.client_uuid, status: result.status, errors: result.errors});
    } else {
      emit("screening:refused", {client_uuid: payload.client_uuid, status: 0, errors: {__all__: [text("noStorage")]}});
    }
  }

  document.addEventListener("screening:finished", (event) => {
    finished(event.detail && event.detail.payload);
  });

  // --- The queue on the page (#offline-queue) ---------------------------------------------------------------
  const box = document.getElementById("offline-queue");
  let live = null;
  let summary = null;
  let loginLine = null;
  let othersLine = null;
  let problemList = null;
  let sendButton = null;

  function element(tag, attributes, content) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      node.setAttribute(name, value);
    }
    if (content !== undefined) {
      node.textContent = content;
    }
    return node;
  }

  function build() {
    live = element("p", {role: "status", "aria-live": "polite", "data-testid": "offline-status", class: "offline-status"});
    if (!box) {
      live.className = "visually-hidden";
      document.body.appendChild(live);
      return;
    }
    box.textContent = "";
    summary = element("p", {"data-testid": "queue-count"});
    loginLine = element("p", {class: "notice", "data-testid": "queue-login", hidden: ""});
    othersLine = element("p", {"data-testid": "queue-others", hidden: ""});
    const problemsTitle = element("h3", {"data-testid": "queue-problems-title", hidden: ""}, text("problems"));
    problemList = element("ul", {"data-testid": "queue-problems", hidden: ""});
    problemList.titleElement = problemsTitle;
    sendButton = element("button", {type: "button", "data-testid": "send-now"}, text("sendNow"));
    sendButton.addEventListener("click", () => {
      syncNow();
    });
    box.append(summary, loginLine, othersLine, problemsTitle, problemList, sendButton, live);
  }

  function setBusy(busy) {
    if (sendButton) {
      sendButton.disabled = busy;
      sendButton.textContent = busy ? text("sending") : text("sendNow");
    }
  }

  let lastAnnounced = "";
  function announce(message) {
    if (live && message && message !== lastAnnounced) {
      live.textContent = message;
      lastAnnounced = message;
    }
  }

  function when(iso) {
    try {
      return new Date(iso).toLocaleString(language, {dateStyle: "short", timeStyle: "short"});
    } catch (error) {
      return iso;
    }
  }

  function problemItem(record) {
    const item = element("li", {"data-testid": "queue-problem", "data-state": record.state});
    item.append(element("strong", {}, format("reference", {ref: record.client_uuid.slice(0, 8), when: when(record.queued_at)})));
    const reason = element("p");
    if (record.state === "conflict") {
      reason.textContent = text("conflict");
    } else if (record.state === "refused") {
      reason.textContent = text("refused");
    } else {
      reason.textContent = text("damaged");
    }
    item.append(reason);
    const messages = [];
    for (const [field, list] of Object.entries(record.errors || {})) {
      for (const message of list) {
        messages.push(field === "__all__" ? message : `${field}: ${message}`);
      }
    }
    if (messages.length) {
      const details = element("ul");
      for (const message of messages) {
        details.append(element("li", {}, message));
      }
      item.append(details);
    }
    const discard = element("button", {type: "button", "data-testid": "queue-discard"}, text("discard"));
    discard.addEventListener("click", async () => {
      if (!window.confirm(text("confirmDiscard"))) {
        return;
      }
      const db = await database();
      await withLock(() => idb.remove(db, "queue", record.client_uuid));
      await render();
    });
    item.append(discard);
    return item;
  }

  // Redraws the queue and returns the counts (also used for the "screening:synced" event).
  async function render() {
    let records = [];
    try {
      records = window.indexedDB ? await idb.all(await database(), "queue") : [];
    } catch (error) {
      records = [];
    }
    const user = userId;
    // Whose screenings these are is known once the page or the server said who is logged in.
    const mine = user ? records.filter((record) => String(record.user_id) === user) : records;
    const pending = mine.filter((record) => record.state === "pending");
    const problems = mine.filter((record) => record.state !== "pending");
    const others = records.length - mine.length;
    if (box && summary) {
      summary.textContent = pending.length ? plural(pending.length) : text("nothingWaiting");
      loginLine.hidden = !(loginNeeded && pending.length);
      loginLine.textContent = "";
      if (loginNeeded && pending.length) {
        loginLine.append(format("login", {n: pending.length}), " ");
        const next = encodeURIComponent(window.location.pathname + window.location.search);
        loginLine.append(element("a", {href: `${settings.loginUrl}?next=${next}`}, text("loginLink")));
      }
      othersLine.hidden = !others;
      othersLine.textContent = others ? format("others", {n: others}) : "";
      problemList.textContent = "";
      for (const record of problems) {
        problemList.append(problemItem(record));
      }
      problemList.hidden = !problems.length;
      problemList.titleElement.hidden = !problems.length;
      sendButton.hidden = !pending.length;
      box.dataset.pending = String(pending.length);
      box.dataset.problems = String(problems.length);
    }
    const states = problems.map((record) => `${record.client_uuid}:${record.state}`).join(",");
    if (states !== lastProblemStates && problems.length) {
      announce(`${text("problems")}: ${problems.length}`);
    }
    lastProblemStates = states;
    if (loginNeeded && pending.length) {
      announce(format("login", {n: pending.length}));
    }
    return {pending: pending.length, problems: problems.length};
  }

  // --- The service worker: the interview opens with no connection -----------------------------------------
  function interviewerLanguage() {
    const select = document.querySelector("select[name=interviewer]");
    return (select && select.value) || context.interviewer_language || language.split("-")[0];
  }

  async function precache() {
    const registration = await navigator.serviceWorker.ready;
    if (!registration.active) {
      return;
    }
    if (Array.isArray(context.precache_urls) && context.precache_urls.length) {
      registration.active.postMessage({type: "precache", urls: context.precache_urls});
    } else {
      registration.active.postMessage({type: "precache", interviewer: interviewerLanguage()});
    }
  }

  function startServiceWorker() {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) {
      return;
    }
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "precached") {
        if (box) {
          box.dataset.precached = String(event.data.kept);
        }
        emit("screening:precached", {requested: event.data.requested, kept: event.data.kept});
      }
    });
    navigator.serviceWorker.register(settings.swUrl, {scope: settings.swScope}).then(() => {
      // The interview page keeps itself (network first); the other screening pages prepare every
      // interview for the interviewer's language, unless the page says not to.
      const isInterview = document.querySelector("[data-section]") !== null;
      if (!isInterview && data.precache !== "off" && navigator.onLine !== false) {
        precache();
        const select = document.querySelector("select[name=interviewer]");
        if (select) {
          select.addEventListener("change", () => precache());
        }
      }
    }).catch(() => {
      /* no worker (private window, a browser setting): the pages work online as before */
    });
  }

  // --- Start -----------------------------------------------------------------------------------------------
  function loadWipeHook() {
    if (window.allianceScreeningWipe || !script || !script.src) {
      return;
    }
    const hook = document.createElement("script");
    hook.src = data.wipeUrl || new URL("offline-wipe.js", script.src).href;
    if (script.nonce) {
      hook.nonce = script.nonce;
    }
    document.head.appendChild(hook);
  }

  function start() {
    build();
    loadWipeHook();
    startServiceWorker();
    const online = navigator.onLine !== false;
    (online && !userId ? currentUser() : Promise.resolve(userId)).then(() => render()).then(() => {
      if (online) {
        syncNow();
      }
    });
    window.addEventListener("online", () => {
      syncNow();
    });
    window.addEventListener("offline", () => {
      announce(text("offline"));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
