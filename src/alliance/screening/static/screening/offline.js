// Offline capture of screenings: the service worker, the encrypted queue in IndexedDB, and its sync.
//
// When interview.js dispatches "screening:finished" {payload}, the payload is encrypted (AES-GCM, WebCrypto)
// under the key of the user who took it (one key per user, made in this browser; see "Encryption" below).
// Each record keeps in clear, beside the ciphertext, whom it was taken by: taken_by {user_id, organisation_id,
// realm_id}, also bound into the encryption as additional data with the screening's client_uuid, so that a
// record relabelled on the phone no longer decrypts. Then it is sent.
//
// A screening is sent only under the identity it was taken under. Before anything is sent, the server says
// who is logged in now (GET /api/v1/me: the user, the organisation and the realm of this session); only the
// records whose taken_by is exactly that are sent, with taken_by in the payload, and the server refuses (409,
// nothing stored) one whose taken_by is not the session's. An id read from a page is never trusted for this:
// the page may be an offline copy made for an earlier session. The other records stay queued and are shown as
// taken by another account, organisation or realm, until that person logs in there again.
//
// A screening the server received is deleted at once; one refused (409 conflict, 422 invalid) is kept and
// shown; one that cannot be decrypted (tampered with or damaged) is never sent and is shown.
//
// Events on document: "screening:stored" {client_uuid, id, url, outcome} (for a screening finished on this
// page), "screening:queued" {client_uuid}, "screening:refused" {client_uuid, status, errors},
// "screening:synced" {sent, pending, problems, elsewhere, stored: [...]}, "screening:precached" {requested, kept}.
(() => {
  "use strict";
  const DB_NAME = "alliance-screening";
  const DB_VERSION = 1;
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
  const finishedHere = new Set();  // screenings finished on this page: their result is shown here
  let loginNeeded = false;
  let lastProblemStates = "";

  function csrfFromPage(doc) {
    const input = doc.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- Who: the identity a screening is taken and sent under ------------------------------------------------
  // {user_id, organisation_id, realm_id}, all three whole numbers; compared on all three.
  function identityOf(value) {
    if (!value || typeof value !== "object") {
      return null;
    }
    const ids = [value.user_id, value.organisation_id, value.realm_id].map((id) => (
      typeof id === "number" || (typeof id === "string" && /^[0-9]+$/.test(id)) ? Number(id) : NaN));
    if (!ids.every((id) => Number.isSafeInteger(id) && id > 0)) {
      return null;
    }
    return {user_id: ids[0], organisation_id: ids[1], realm_id: ids[2]};
  }

  function identityKey(identity) {
    return identity ? `${identity.user_id}:${identity.organisation_id}:${identity.realm_id}` : "";
  }

  function sameIdentity(a, b) {
    return Boolean(a && b) && identityKey(a) === identityKey(b);
  }

  // Records made before taken_by existed name only a user: they count as that user's, and never decrypt.
  function ownerOf(record) {
    return identityOf(record.taken_by);
  }

  function belongsTo(record, identity) {
    if (!identity) {
      return false;
    }
    const owner = ownerOf(record);
    return owner ? sameIdentity(owner, identity) : String(record.user_id) === String(identity.user_id);
  }

  // What the page says (it may be an offline copy made for an earlier session): used to label a screening
  // finished with no connection and to sort the queue on the screen, never to decide what is sent.
  const pageIdentity = identityOf(context);
  // What the server said on this page (GET /api/v1/me) is the only identity anything is sent under.
  let serverSaid = false;  // the server answered once on this page
  let lastSeen = null;  // the last identity it gave, kept for the screen when the session is gone

  // Returns {kind: "ok", identity} (identity null when the session has no organisation), {kind: "login"} or
  // {kind: "network"}.
  async function whoIsLoggedIn() {
    let response;
    try {
      response = await fetch(settings.meUrl, {credentials: "same-origin", cache: "no-store",
        headers: {Accept: "application/json"}});
    } catch (error) {
      return {kind: "network"};
    }
    if (response.status === 401 || response.status === 403) {
      return {kind: "login"};
    }
    let me = null;
    try {
      me = response.ok ? await response.json() : null;
    } catch (error) {
      me = null;
    }
    if (!me || me.id === undefined || me.id === null) {
      return {kind: "network"};  // a server error, or a page in the way
    }
    const identity = identityOf({user_id: me.id, organisation_id: me.organisation_id, realm_id: me.realm_id});
    lastSeen = identity;
    serverSaid = true;
    identitySeen(identity);
    return {kind: "ok", identity};
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
    // The page's data-elsewhere, when it gives one (screening/_offline.html); no names, only the number.
    elsewhere: "Screenings taken by another account or in another organisation or realm: {n}. They are kept on " +
      "this phone: log in as that person, in that organisation and realm, to send them.",
    problems: "Screenings that could not be sent",
    conflict: "Another screening was already received with the same id. This one was kept; tell your administrator.",
    refused: "The server refused this screening:",
    damaged: "This saved screening is damaged or was changed on this phone and cannot be sent.",
    noStorage: "This browser cannot keep screenings while offline; the screening was not saved.",
    noIdentity: "This copy of the interview does not say who took it, so the screening was not saved. " +
      "Connect, open the interview again and finish it.",
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

  // --- Encryption: one key per user -------------------------------------------------------------------------
  // Each user's screenings are encrypted under that user's own AES-GCM key ("user:<id>" in the keys store),
  // made in this browser and non-extractable: scripts can use it here but never read it out.
  //
  // What this protects: nothing of a screening is kept as text (only ciphertext, its client_uuid, whom it was
  // taken by and when it was queued); a record relabelled on the phone (another taken_by) no longer decrypts;
  // and the log-out wipe can delete one user's records and key while the other users' stay queued.
  // What it does not: every key lives in the same browser profile, in the same IndexedDB, usable by any script
  // of this site running in it. It does not keep one user of a shared phone (or anyone with the profile or its
  // files) from the records of another. What keeps a screening from being sent as someone else is the taken_by
  // check, here against GET /api/v1/me and on the server; what removes a user's records is the log-out wipe.
  function keyId(user) {
    return `user:${user}`;
  }

  async function userKey(db, user, create) {
    const id = keyId(user);
    const found = await idb.get(db, "keys", id);
    if (found && found.key) {
      return found.key;
    }
    if (!create) {
      return null;
    }
    const key = await crypto.subtle.generateKey({name: "AES-GCM", length: 256}, false, ["encrypt", "decrypt"]);
    try {
      await idb.add(db, "keys", {id, user_id: user, key, created_at: new Date().toISOString()});
      return key;
    } catch (error) {
      const other = await idb.get(db, "keys", id);  // another tab made one at the same moment
      if (other && other.key) {
        return other.key;
      }
      throw error;
    }
  }

  function boundData(owner, clientUuid) {
    // Whom it was taken by and its id: the same record under another name does not decrypt.
    return new TextEncoder().encode(
      `alliance-screening\u0000v2\u0000${identityKey(owner)}\u0000${clientUuid}`);
  }

  async function seal(db, payload, owner) {
    const key = await userKey(db, owner.user_id, true);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const plaintext = new TextEncoder().encode(JSON.stringify(payload));
    const ciphertext = await crypto.subtle.encrypt(
      {name: "AES-GCM", iv, additionalData: boundData(owner, payload.client_uuid)}, key, plaintext);
    return {
      client_uuid: payload.client_uuid, taken_by: {...owner}, iv, ciphertext: new Uint8Array(ciphertext),
      queued_at: new Date().toISOString(), state: "pending", errors: null,
    };
  }

  async function unseal(db, record) {
    const owner = ownerOf(record);
    if (!owner) {
      throw new Error("whose?");  // a record from before taken_by: never sent
    }
    const key = await userKey(db, owner.user_id, false);
    if (!key) {
      throw new Error("no key");
    }
    const plaintext = await crypto.subtle.decrypt(
      {name: "AES-GCM", iv: record.iv, additionalData: boundData(owner, record.client_uuid)},
      key, record.ciphertext);
    const payload = JSON.parse(new TextDecoder().decode(plaintext));
    if (!payload || payload.client_uuid !== record.client_uuid || !sameIdentity(payload.taken_by, owner)) {
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

  // A page opened from the offline copy may carry the token of an earlier session: read a current one, but
  // use it only when the server says the person, organisation and realm the screening was taken under are the
  // ones logged in now (never what a page says: the start page carries no identity). Another session is never
  // used to send it. Returns "fresh" (retry), "same", "changed" (someone else now), "login" or "network".
  async function freshToken(owner) {
    let token = "";
    try {
      const response = await fetch(settings.homeUrl, {credentials: "same-origin", cache: "no-store"});
      if (!response.ok || response.redirected) {
        return "login";
      }
      token = csrfFromPage(new DOMParser().parseFromString(await response.text(), "text/html"));
    } catch (error) {
      return "network";
    }
    const who = await whoIsLoggedIn();  // after the token: a log-in in between shows here
    if (who.kind !== "ok") {
      return who.kind;
    }
    if (!owner || !sameIdentity(who.identity, owner)) {
      return "changed";
    }
    if (!token || token === csrfToken) {
      return "same";
    }
    csrfToken = token;
    return "fresh";
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

  // A 409 is either the same id with other content (kept as a conflict, for an administrator) or the server
  // saying the screening was taken by another account, organisation or realm than this session's (kept
  // pending, for that person). Both answer with the code "conflict"; a "taken_by" detail says which when the
  // server gives one, otherwise the server is asked again who is logged in.
  async function conflictKind(body, owner) {
    const error = (body && body.error) || {};
    const details = error.details && typeof error.details === "object" ? error.details : {};
    if (Object.prototype.hasOwnProperty.call(details, "taken_by") || error.code === "taken_by") {
      return "elsewhere";
    }
    if (Object.prototype.hasOwnProperty.call(details, "existing_id")) {
      return "conflict";
    }
    const who = await whoIsLoggedIn();
    if (who.kind !== "ok") {
      return who.kind;
    }
    return owner && sameIdentity(who.identity, owner) ? "conflict" : "elsewhere";
  }

  // Sends one screening, taken by owner. Returns {kind: "stored"|"refused"|"elsewhere"|"login"|"network", ...}.
  async function sendPayload(payload, owner, retried) {
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
      if (retried) {
        return {kind: "login"};
      }
      const fresh = await freshToken(owner);
      if (fresh === "fresh") {
        return sendPayload(payload, owner, true);
      }
      return {kind: fresh === "changed" ? "elsewhere" : fresh === "network" ? "network" : "login"};
    }
    if (response.status === 409) {
      const kind = await conflictKind(body, owner);
      if (kind !== "conflict") {
        return {kind};
      }
      return {kind: "refused", status: 409, errors: errorsOf(body, 409)};
    }
    if (response.status === 422 || response.status === 400 || response.status === 413) {
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
    const result = await sendPayload(payload, ownerOf(record), false);
    if (result.kind === "stored") {
      await idb.remove(db, "queue", record.client_uuid);  // wiped once the server has it
    } else if (result.kind === "refused") {
      await idb.put(db, "queue", {...record, state: result.status === 409 ? "conflict" : "refused",
        errors: result.errors, status: result.status});
    }
    return result;  // "elsewhere", "login", "network": the record stays as it was, pending
  }

  async function sync(options) {
    const finished = options && options.finished;
    const outcome = {sent: 0, stored: [], stopped: null};
    if (!window.indexedDB) {
      return outcome;
    }
    const keptForLater = () => {
      if (finished) {
        emit("screening:queued", {client_uuid: finished});
      }
    };
    await withLock(async () => {
      const db = await database();
      // Online, the server says who is logged in now: only their screenings, taken in this organisation and
      // realm, are sent; nothing is sent while that is not known.
      const who = await whoIsLoggedIn();
      if (who.kind !== "ok") {
        loginNeeded = who.kind === "login";
        outcome.stopped = who.kind;
        if (finished) {
          announce(text("queued"));
        }
        keptForLater();
        return;
      }
      loginNeeded = false;
      const identity = who.identity;
      const queue = await idb.all(db, "queue");
      const records = queue
        .filter((record) => identity && belongsTo(record, identity) && record.state === "pending")
        .sort((a, b) => (a.client_uuid === finished ? -1 : b.client_uuid === finished ? 1 : a.queued_at.localeCompare(b.queued_at)));
      if (finished && !records.some((record) => record.client_uuid === finished)) {
        // Finished on a page made for another account, organisation or realm than the one logged in now.
        announce(format("elsewhere", {n: 1}));
        keptForLater();
      }
      for (const listed of records) {
        const record = await idb.get(db, "queue", listed.client_uuid);  // another tab may have sent it meanwhile
        if (!record || record.state !== "pending" || !belongsTo(record, identity)) {
          continue;
        }
        const result = await sendRecord(db, record);
        const mine = finishedHere.has(record.client_uuid);
        if (result.kind === "stored") {
          outcome.sent += 1;
          outcome.stored.push(result.detail);
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
            announce(result.kind === "elsewhere" ? format("elsewhere", {n: 1}) : text("queued"));
            emit("screening:queued", {client_uuid: record.client_uuid});
          }
          loginNeeded = result.kind === "login";
          outcome.stopped = result.kind;
          break;  // no connection, no session, or someone else logged in: the others would fail the same way
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
          elsewhere: state.elsewhere, stored: outcome.stored});
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
    // Whom it was taken by: as the interview page says (interview.js puts it in the payload). That page is the
    // one the interview was taken on; what is sent later is decided against the server, not against it.
    let owner = identityOf(payload.taken_by) || pageIdentity;
    if (!owner && navigator.onLine !== false) {
      const who = await whoIsLoggedIn();
      owner = who.kind === "ok" ? who.identity : null;
    }
    if (!owner) {
      emit("screening:refused", {client_uuid: payload.client_uuid, status: 0, errors: {__all__: [text("noIdentity")]}});
      return;
    }
    payload = {...payload, taken_by: {...owner}};
    let saved = false;
    try {
      const db = await database();
      await idb.put(db, "queue", await seal(db, payload, owner));
      saved = true;
    } catch (error) {
      saved = false;
    }
    if (saved) {
      await syncNow({finished: payload.client_uuid});
      return;
    }
    // No storage in this browser (a private window, say): send at once (the server checks taken_by against
    // the session), or say it was not saved.
    const result = await sendPayload(payload, owner, false);
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
    // Shown as this person's: the screenings taken under the identity the server last gave on this page (kept
    // when the session ends, for "log in again"); before it answered (no connection), the page's.
    const viewer = serverSaid ? lastSeen : pageIdentity;
    const mine = viewer ? records.filter((record) => belongsTo(record, viewer)) : (serverSaid ? [] : records);
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
      othersLine.textContent = others ? format("elsewhere", {n: others}) : "";
      problemList.textContent = "";
      for (const record of problems) {
        problemList.append(problemItem(record));
      }
      problemList.hidden = !problems.length;
      problemList.titleElement.hidden = !problems.length;
      sendButton.hidden = !pending.length;
      box.dataset.pending = String(pending.length);
      box.dataset.problems = String(problems.length);
      box.dataset.elsewhere = String(others);
    }
    const states = problems.map((record) => `${record.client_uuid}:${record.state}`).join(",");
    if (states !== lastProblemStates && problems.length) {
      announce(`${text("problems")}: ${problems.length}`);
    }
    lastProblemStates = states;
    if (loginNeeded && pending.length) {
      announce(format("login", {n: pending.length}));
    }
    return {pending: pending.length, problems: problems.length, elsewhere: others};
  }

  // --- The service worker: the interview opens with no connection -----------------------------------------
  const isInterviewPage = document.querySelector("[data-section]") !== null;
  let workerReady = Promise.resolve(false);
  let pagesCheckedFor = null;

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

  // Asks the worker to delete the kept interview pages made for anyone but `keep` (all of them without it);
  // answers how many it deleted.
  async function forgetInterviews(keep) {
    const registration = await navigator.serviceWorker.ready;
    if (!registration.active) {
      return 0;
    }
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      const timer = setTimeout(() => resolve(0), 5000);
      channel.port1.onmessage = (event) => {
        clearTimeout(timer);
        resolve(Number((event.data || {}).removed) || 0);
      };
      registration.active.postMessage({type: "forget-interviews", keep: keep || ""}, [channel.port2]);
    });
  }

  // The kept interview pages carry the ids of the session they were made for (their csrf token and user,
  // organisation and realm; the worker notes them). Once the server said who is logged in now, the pages made
  // for another account, organisation or realm are dropped and prepared again for this one: an interview taken
  // offline is then labelled with the ids of the person who is logged in.
  function identitySeen(identity) {
    const key = identityKey(identity);
    if (pagesCheckedFor === key) {
      return;
    }
    pagesCheckedFor = key;
    workerReady.then(async (ready) => {
      if (!ready || pagesCheckedFor !== key) {
        return;
      }
      const removed = await forgetInterviews(key);
      // The interview page keeps itself (network first); the other screening pages prepare every interview
      // for the interviewer's language, unless the page says not to.
      const prepare = !isInterviewPage && data.precache !== "off";
      if (navigator.onLine !== false && (prepare || removed > 0)) {
        await precache();
      }
    }).catch(() => {
      /* the worker went away: the next visit prepares the pages */
    });
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
    workerReady = navigator.serviceWorker.register(settings.swUrl, {scope: settings.swScope}).then(() => {
      const select = document.querySelector("select[name=interviewer]");
      if (select && !isInterviewPage && data.precache !== "off") {
        select.addEventListener("change", () => precache());
      }
      return true;
    }).catch(() => false);  // no worker (private window, a browser setting): the pages work online as before
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
    render().then(() => {
      if (navigator.onLine !== false) {
        syncNow();  // asks the server who is logged in first
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
