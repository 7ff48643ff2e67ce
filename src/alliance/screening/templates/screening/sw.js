/* Alliance screening service worker (rendered by screening/views/offline.py; scope /screening/).
   Precaches the interview's static files; keeps the interview pages (network first, the cached copy
   when offline); caches nothing else: results, referrals, lists, the dashboard and the API carry data.
   A kept interview page carries the ids of the session it was made for (user, organisation, realm, in its
   screening-context): the worker notes them on the kept copy (the X-Alliance-Taken-By header) and, asked by
   offline.js once the server said who is logged in, deletes the copies made for anyone else. */
"use strict";
const CONFIG = {{ config }};
{% verbatim %}
const PREFIX = "alliance-screening-";
const CACHE = PREFIX + CONFIG.version;
const SCOPE = new URL(self.registration ? self.registration.scope : self.location.href);
const INTERVIEW = new URL(CONFIG.interview_path, self.location.origin).pathname;
const ASSETS = CONFIG.assets.map((url) => new URL(url, self.location.origin).href);
const ASSET_SET = new Set(ASSETS);
const CODES = CONFIG.languages.map((language) => language.code);

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // One by one, so a single missing file does not stop the others from being kept.
    await Promise.all(ASSETS.map(async (url) => {
      try {
        const response = await fetch(new Request(url, {cache: "reload", credentials: "same-origin"}));
        if (response.ok) {
          await cache.put(url, response);
        }
      } catch (error) {
        /* offline during the install: the next visit completes it */
      }
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith(PREFIX) && name !== CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

/* The cache key of an interview page: its two languages, whatever else the address carries. */
function interviewKey(url) {
  const parsed = new URL(url, self.location.origin);
  if (parsed.origin !== self.location.origin || parsed.pathname !== INTERVIEW) {
    return null;
  }
  const interviewer = parsed.searchParams.get("interviewer") || "";
  const interviewee = parsed.searchParams.get("interviewee") || "";
  if ((interviewer && !CODES.includes(interviewer)) || (interviewee && !CODES.includes(interviewee))) {
    return null;
  }
  const key = new URL(INTERVIEW, self.location.origin);
  key.searchParams.set("interviewer", interviewer);
  key.searchParams.set("interviewee", interviewee);
  return key.href;
}

const TAKEN_BY = "X-Alliance-Taken-By";
const CONTEXT_SCRIPT = /<script[^>]*\bid="screening-context"[^>]*>([\s\S]*?)<\/script>/;

/* "user:organisation:realm" of the session an interview page was made for ("" when it does not say). */
function takenByOf(html) {
  const found = CONTEXT_SCRIPT.exec(html);
  if (!found) {
    return "";
  }
  try {
    const context = JSON.parse(found[1]);
    const ids = [context.user_id, context.organisation_id, context.realm_id];
    return ids.every((id) => Number.isSafeInteger(id) && id > 0) ? ids.join(":") : "";
  } catch (error) {
    return "";
  }
}

/* The page as it is kept: the same response, noting whom it was made for. */
async function marked(response) {
  const html = await response.text();
  const headers = new Headers(response.headers);
  headers.set(TAKEN_BY, takenByOf(html));
  return new Response(html, {status: response.status, statusText: response.statusText, headers});
}

function keepable(response) {
  // Only a page the server really sent: never a redirect (to the log-in page) or an error page.
  return response && response.ok && response.type === "basic" && !response.redirected;
}

async function interviewPage(request) {
  const key = interviewKey(request.url);
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (key && keepable(response)) {
      await cache.put(key, await marked(response.clone()));
    }
    return response;
  } catch (error) {
    const cached = key && await cache.match(key, {ignoreVary: true});
    return cached || offlinePage();
  }
}

async function otherPage(request) {
  try {
    return await fetch(request);
  } catch (error) {
    return offlinePage();
  }
}

async function asset(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request.url, {ignoreVary: true});
  if (cached) {
    return cached;
  }
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    await cache.put(request.url, response.clone());
  }
  return response;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
}

/* Shown instead of the browser's error when a page is asked for with no connection: a generated page
   (no data in it) that lists the interviews kept on this phone. */
async function offlinePage() {
  const cache = await caches.open(CACHE);
  const names = Object.fromEntries(CONFIG.languages.map((language) => [language.code, language]));
  const links = [];
  for (const request of await cache.keys()) {
    const url = new URL(request.url);
    if (url.pathname !== INTERVIEW) {
      continue;
    }
    const from = names[url.searchParams.get("interviewer")];
    const to = names[url.searchParams.get("interviewee")];
    if (!from || !to) {
      continue;
    }
    links.push(`<li><a href="${escapeHtml(url.pathname + url.search)}">${escapeHtml(CONFIG.texts.interviewer)}: ` +
      `<span lang="${from.code}" dir="${from.dir}">${escapeHtml(from.name)}</span> · ${escapeHtml(CONFIG.texts.interviewee)}: ` +
      `<span lang="${to.code}" dir="${to.dir}">${escapeHtml(to.name)}</span></a></li>`);
  }
  const t = CONFIG.texts;
  const list = links.length ? `<h2>${escapeHtml(t.offline_list)}</h2><ul>${links.join("")}</ul>`
    : `<p>${escapeHtml(t.offline_none)}</p>`;
  const body = `<!doctype html><html lang="${escapeHtml(t.lang)}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(t.offline_title)}</title>` +
    `<link rel="stylesheet" href="${escapeHtml(CONFIG.stylesheet)}"></head><body><main id="main" data-testid="offline-page">` +
    `<h1>${escapeHtml(t.offline_title)}</h1><p>${escapeHtml(t.offline_lead)}</p>${list}</main></body></html>`;
  return new Response(body, {status: 503, headers: {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'",
  }});
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin === self.location.origin && url.pathname.startsWith("/api/")) {
    return;  // never: the API answers with data
  }
  if (request.mode === "navigate") {
    if (url.origin !== self.location.origin || !url.pathname.startsWith(SCOPE.pathname)) {
      return;
    }
    event.respondWith(url.pathname === INTERVIEW ? interviewPage(request) : otherPage(request));
    return;
  }
  if (ASSET_SET.has(url.href)) {
    event.respondWith(asset(request));
  }
});

/* The page asks for interview pages to be kept, so that an interview opens with no connection:
   {type: "precache", urls: [...]} or {type: "precache", interviewer: "en"} (with every person's language). */
async function precache(data, source) {
  let urls = Array.isArray(data.urls) ? data.urls : [];
  if (!urls.length && typeof data.interviewer === "string" && CODES.includes(data.interviewer)) {
    urls = CODES.map((code) => `${INTERVIEW}?interviewer=${data.interviewer}&interviewee=${code}`);
  }
  const keys = [...new Set(urls.map((url) => interviewKey(url)).filter(Boolean))].slice(0, 100);
  const cache = await caches.open(CACHE);
  let kept = 0;
  for (const key of keys) {  // one at a time: the connection at a reception point is often poor
    const cached = await cache.match(key, {ignoreVary: true});
    const taken = cached ? Date.parse(cached.headers.get("Date") || "") : NaN;
    if (!data.force && taken && Date.now() - taken < CONFIG.page_max_age * 1000) {
      kept += 1;  // kept recently enough: spare the connection
      continue;
    }
    try {
      const response = await fetch(new Request(key, {credentials: "same-origin", redirect: "manual", cache: "no-store"}));
      if (keepable(response)) {
        await cache.put(key, await marked(response));
        kept += 1;
      }
    } catch (error) {
      break;  // the connection is gone: the next visit tries again
    }
  }
  if (source && source.postMessage) {
    source.postMessage({type: "precached", requested: keys.length, kept: kept});
  }
}

/* {type: "forget-interviews", keep: "user:organisation:realm"}: deletes the kept interview pages made for
   another session than `keep` (every one without it). offline.js asks once GET /api/v1/me showed who is
   logged in, then prepares them again; the answer ({type: "forgotten", removed}) goes to the port given. */
async function forgetInterviews(data, port) {
  const keep = typeof data.keep === "string" ? data.keep : "";
  let removed = 0;
  for (const name of (await caches.keys()).filter((n) => n.startsWith(PREFIX))) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      if (new URL(request.url).pathname !== INTERVIEW) {
        continue;
      }
      const kept = await cache.match(request, {ignoreVary: true});
      const takenBy = kept ? kept.headers.get(TAKEN_BY) || "" : "";
      if (!keep || takenBy !== keep) {
        await cache.delete(request, {ignoreVary: true});
        removed += 1;
      }
    }
  }
  if (port && port.postMessage) {
    port.postMessage({type: "forgotten", removed});
  }
}

/* One message at a time: a page prepared again is never deleted by a "forget" still running. */
let work = Promise.resolve();
function serially(task) {
  work = work.then(task, task);
  return work;
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "precache") {
    event.waitUntil(serially(() => precache(data, event.source)));
  } else if (data.type === "forget-interviews") {
    const port = event.ports && event.ports[0] ? event.ports[0] : event.source;
    event.waitUntil(serially(() => forgetInterviews(data, port)));
  }
});
{% endverbatim %}
