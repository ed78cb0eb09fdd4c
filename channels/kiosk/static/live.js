// Keeping the feed and the catalog current: Server-Sent Events announce new versions,
// and the page fetches what changed with If-None-Match. When the stream fails, the
// page polls with jitter and reconnects with exponential backoff; every fetch that
// fails (or that the service worker answered from its cache) marks the kiosk offline.

const SAFETY_POLL_S = 300;   // while the stream is up: a 304 now and then, against silent drops
const MAX_BACKOFF_S = 60;
const FETCH_TIMEOUT_MS = 15000;
const OFFLINE_KEY = 'kiosk-offline-since';

const jittered = (seconds, spread = 0.2) => seconds * 1000 * (1 - spread + Math.random() * 2 * spread);

export class Live {
  // handlers: feed(data), catalog(data), status(offlineSince: Date | null), gone()
  constructor(config, handlers) {
    this.base = `/kiosk/v1/${encodeURIComponent(config.device)}/`;
    // feed and catalog in the page's language (channels/kiosk/language.py); the default asks none
    this.query = `?token=${encodeURIComponent(config.token)}`
      + (config.lang && config.lang !== config.default_lang ? `&lang=${encodeURIComponent(config.lang)}` : '');
    this.pollS = config.poll_s;
    this.handlers = handlers;
    this.etags = {};
    this.versions = {};
    this.busy = {};
    this.again = {};
    this.announcedVersion = {};
    this.attempt = 0;
    this.source = null;
    this.offlineSince = null;
    this.stopped = false;
  }

  url(name) {
    return this.base + name + this.query;
  }

  start() {
    this.connect();
    this.refresh();
    this.safety = setInterval(() => this.refresh(), jittered(SAFETY_POLL_S));
    window.addEventListener('offline', () => this.wentOffline());
    window.addEventListener('online', () => {
      if (!this.source) this.connect();
    });
  }

  stop() {
    this.stopped = true;
    if (this.source) this.source.close();
    this.source = null;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.pollTimer);
    clearInterval(this.safety);
  }

  // -- the event stream -------------------------------------------------------
  connect() {
    if (this.stopped) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    if (this.source) this.source.close();
    const source = (this.source = new EventSource(this.url('events')));
    source.addEventListener('open', () => {
      this.stopPolling();
      this.refresh(); // catch up with whatever happened while the stream was down
    });
    source.addEventListener('feed', (event) => {
      this.attempt = 0; // the stream delivers (a proxy that opens and buffers would not)
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      this.announced(data);
    });
    source.addEventListener('error', () => {
      if (this.source !== source) return;
      // EventSource retries by itself only on some failures; take over for all of them.
      source.close();
      this.source = null;
      this.refresh();
      this.startPolling();
      this.reconnectLater();
    });
  }

  reconnectLater() {
    if (this.stopped || this.reconnectTimer) return;
    const delay = Math.min(MAX_BACKOFF_S, 2 ** this.attempt);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => this.connect(), jittered(delay, 0.5));
  }

  // The fetch for an announced version says so (X-Kiosk-Announced): a proxy's microcache
  // (deploy/nginx) lets it through to the service instead of answering with the version
  // it may still hold for the rest of its second.
  announced(data) {
    if (data.version !== this.versions.feed) this.load('feed', data.version);
    if (data.catalog && data.catalog !== this.versions.catalog) this.load('catalog', data.catalog);
  }

  // -- polling, while the stream is down ----------------------------------------
  startPolling() {
    if (this.stopped || this.pollTimer) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      this.refresh();
      if (!this.source) this.startPolling();
    }, jittered(this.pollS));
  }

  stopPolling() {
    clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  // -- fetching -----------------------------------------------------------------
  refresh() {
    return Promise.all([this.load('feed'), this.load('catalog')]);
  }

  // One fetch per resource at a time; an announcement during a fetch fetches again after it.
  // `announced`: the version the event stream announced, if that is why we fetch.
  async load(kind, announced = null) {
    if (announced) this.announcedVersion[kind] = announced;
    if (this.busy[kind]) {
      this.again[kind] = true;
      return;
    }
    this.busy[kind] = true;
    try {
      do {
        this.again[kind] = false;
        const wanted = this.announcedVersion[kind];
        this.announcedVersion[kind] = null;
        await this.fetchOnce(kind, wanted);
      } while (this.again[kind] && !this.stopped);
    } finally {
      this.busy[kind] = false;
    }
  }

  async fetchOnce(kind, announced = null) {
    const headers = this.etags[kind] ? { 'If-None-Match': this.etags[kind] } : {};
    if (announced) headers['X-Kiosk-Announced'] = String(announced);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), FETCH_TIMEOUT_MS);
    let response;
    try {
      response = await fetch(this.url(`${kind}.json`), { headers, cache: 'no-store', signal: abort.signal });
    } catch {
      this.wentOffline();
      return;
    } finally {
      clearTimeout(timer);
    }
    if (response.status === 401 || response.status === 404) {
      this.stop();
      this.handlers.gone();
      return;
    }
    const fromCache = response.headers.has('X-Kiosk-Cached');
    if (fromCache) this.wentOffline();
    else if (response.ok || response.status === 304) this.cameOnline();
    if (response.status !== 200) return; // 304: nothing new; 5xx: keep what we hold
    let data;
    try {
      data = await response.json();
    } catch {
      return;
    }
    this.etags[kind] = response.headers.get('ETag');
    if (data.version !== this.versions[kind]) {
      this.versions[kind] = data.version;
      this.handlers[kind](data);
    }
  }

  async search(query) {
    const response = await fetch(`${this.url('search.json')}&q=${encodeURIComponent(query)}`, { cache: 'no-store' });
    if (!response.ok || response.headers.has('X-Kiosk-Cached')) throw new Error(`search: ${response.status}`);
    return response.json();
  }

  // -- online / offline ---------------------------------------------------------
  wentOffline() {
    if (this.offlineSince) return;
    // Kept across a reload, so that a kiosk restarted without network says since when.
    const kept = Number(remember(OFFLINE_KEY)) || null;
    this.offlineSince = kept ? new Date(kept) : new Date();
    remember(OFFLINE_KEY, String(this.offlineSince.getTime()));
    this.handlers.status(this.offlineSince);
  }

  cameOnline() {
    const was = this.offlineSince;
    this.offlineSince = null;
    remember(OFFLINE_KEY, null);
    if (!was) return;
    this.handlers.status(null);
    if (!this.source) this.connect();
  }
}

// localStorage, which may be switched off: read (one argument), write, or remove (null).
function remember(key, value) {
  try {
    if (value === undefined) return localStorage.getItem(key);
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    /* nothing to keep then */
  }
  return null;
}
