/* IFN Diary service worker: the diary opens without a connection after the first visit.
 *
 * Served from /sw.js (scope "/") by the server, which puts VERSION and ASSETS above this
 * code. Pages: network first, so a carer sees fresh data whenever there is a connection; on a
 * failed or very slow network the copy kept from the last visit is shown (the page's script
 * moves a kept "today" page on to the day offered now). Assets: kept at install and served
 * from the cache when the network fails. The API, the admin and every non-GET request go to
 * the network unchanged: entries are queued by the page's script, never here. */
/* global VERSION, ASSETS */
"use strict";
var ASSET_CACHE = "ifn-diary-assets-" + VERSION;
var PAGES = "ifn-diary-pages";
var LAST = "/diary/__last__";
var SLOW_NETWORK_MS = 4000;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(ASSET_CACHE).then(function (cache) {
    return cache.addAll(ASSETS);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf("ifn-diary-assets-") === 0 && key !== ASSET_CACHE;
    }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname === "/sw.js") return;
  if (request.mode === "navigate") {
    if (request.method === "GET") event.respondWith(page(request, url));
  } else if (request.method === "GET" && url.pathname.indexOf("/static/") === 0) {
    event.respondWith(asset(request));
  } else {
    // Everything else (the API's POSTs included) goes straight to the network, from here
    // rather than by falling through, so it meets exactly the same connection as the pages.
    event.respondWith(fetch(request));
  }
});

function isDiaryPage(url) {
  return /^\/diary\/\d+\/(\d{4}-\d{2}-\d{2}\/|history\/)?$/.test(url.pathname);
}

function todayPath(url) {
  var match = /^\/diary\/\d+\//.exec(url.pathname);
  return match ? match[0] : null;
}

/* A copy without the "redirected" flag (a navigation may not be answered with a redirect);
 * a patient's "today" page is also kept as the page to open offline from the home screen. */
function keep(cache, url, response) {
  return response.blob().then(function (blob) {
    var headers = { "Content-Type": response.headers.get("Content-Type") || "text/html" };
    var puts = [cache.put(url.href, new Response(blob, { headers: headers }))];
    if (todayPath(url) === url.pathname) puts.push(cache.put(LAST, new Response(blob, { headers: headers })));
    return Promise.all(puts);
  });
}

function page(request, url) {
  var network = fetch(request).then(function (response) {
    var finalUrl = new URL(response.url || request.url);
    if (response.ok && isDiaryPage(finalUrl)) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { return keep(cache, finalUrl, copy); });
    }
    return response;
  });
  // caches.has first: opening would re-create the store that sign-out deleted.
  var kept = caches.has(PAGES).then(function (has) {
    return has ? caches.open(PAGES) : null;
  }).then(function (cache) {
    if (!cache) return undefined;
    return cache.match(request, { ignoreSearch: true }).then(function (hit) {
      if (hit) return hit;
      if (url.pathname === "/") return cache.match(LAST);
      var today = todayPath(url);
      return today ? cache.match(new URL(today, url).href) : undefined;
    });
  });
  var slow = new Promise(function (resolve) { setTimeout(resolve, SLOW_NETWORK_MS); });
  var keptOrNetwork = function () {
    return kept.then(function (hit) { return hit || network; });
  };
  return Promise.race([network, slow.then(keptOrNetwork)])
    .catch(function () { return keptOrNetwork().catch(offline); });
}

function asset(request) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(ASSET_CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (hit) { return hit || Response.error(); });
  });
}

function offline() {
  var html = "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
    "<title>IFN Diary</title><body style='font:17px system-ui;margin:2rem'>" +
    "<p>You are offline, and this page has not been opened on this phone before.</p>" +
    "<p lang=ja>オフラインです。このページはまだこの端末で開かれていません。</p>" +
    "<p><a href='/'>IFN Diary</a></p>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}
