// The kiosk's service worker (VERSION and ASSETS are prepended by the server).
// - assets (/kiosk/static/<hash>/...): cache first; their URLs change with their content;
// - the page, feed.json and catalog.json: network first, the last good answer kept;
//   without network (or on a 5xx) the kept answer is served, marked with X-Kiosk-Cached
//   so that the page knows it is offline;
// - everything else (the event stream, search) goes to the network untouched.
/* global VERSION, ASSETS */
const ASSET_CACHE = `kiosk-assets-${VERSION}`;
const DATA_CACHE = 'kiosk-data';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(ASSET_CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((key) => key.startsWith('kiosk-assets-') && key !== ASSET_CACHE)
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/kiosk/static/')) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === 'navigate' || /^\/kiosk\/v1\/[^/]+\/(feed|catalog)\.json$/.test(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
});

async function cacheFirst(request) {
  const cache = await caches.open(ASSET_CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.status === 200) await cache.put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  const cache = await caches.open(DATA_CACHE);
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const kept = await cache.match(request.url);
    if (!kept) throw error;
    return marked(kept);
  }
  if (response.status === 200) {
    await cache.put(request.url, response.clone());
  } else if (response.status === 401 || response.status === 404) {
    await cache.delete(request.url); // the device was revoked: keep nothing of it
  } else if (response.status >= 500) {
    const kept = await cache.match(request.url); // a proxy's 502 during a deployment, say
    if (kept) return marked(kept);
  }
  return response;
}

function marked(kept) {
  const headers = new Headers(kept.headers);
  headers.set('X-Kiosk-Cached', 'yes');
  return new Response(kept.body, { status: kept.status, statusText: kept.statusText, headers });
}
