// The touchscreen in the service hall. At rest: the rotation as a carousel. Touched:
// a notice in full, the catalog by category, search. An emergency takes the whole
// screen. Without network it keeps running on what it holds, drops each item when its
// end passes, and says since when it is offline.
import { pageIn, t } from './i18n.js';
import { Live } from './live.js';
import { attachmentList, el, ended, excerpt, facts, formatters, listItem, plainText, tags } from './view.js';

const config = JSON.parse(document.body.dataset.config);
const $ = (id) => document.getElementById(id);
const root = document.documentElement;
const fmt = formatters(config.timezone, config.date_locale);
const VIEWS = ['home', 'detail', 'browse', 'search'];

const state = {
  feed: null, // the last feed.json
  normal: [], // the last rotation without an emergency: shown if emergencies end while offline
  catalog: null, // the last catalog.json
  byId: new Map(), // catalog notices by id
  view: 'home',
  back: 'home', // where the detail view's back button leads
  detailId: null,
  currentId: null, // the notice on the carousel card
  index: 0,
  category: null, // the category chosen in browse
  results: null, // {query, ids}
  emergencyIndex: 0,
  nextEdge: Infinity, // the next instant an item we hold ends
};
let carouselTimer = null;
let emergencyTimer = null;
let idleTimer = null;

// -- what to show -------------------------------------------------------------------
function rotation(now = Date.now()) {
  if (!state.feed) return [];
  const items = state.feed.rotation.filter((item) => !ended(item, now));
  if (state.feed.emergency && items.length === 0) return state.normal.filter((item) => !ended(item, now));
  return items;
}

const emergencies = () => (state.feed && state.feed.emergency ? rotation().filter((i) => i.priority === 'emergency') : []);
const catalogItems = () => (state.catalog ? state.catalog.notices : []);
const known = (id) => state.byId.has(id) || rotation().some((item) => item.notice_id === id);

// Category names in the page's language (config.categories); the catalog's counts.
function categories() {
  const named = new Map(config.categories.map((c) => [c.code, c.name]));
  if (state.catalog) return state.catalog.categories.map((c) => ({ ...c, name: named.get(c.code) || c.name }));
  return config.categories.map((c) => ({ ...c, count: 0 }));
}

function categoryName(code) {
  const found = categories().find((c) => c.code === code);
  return found ? found.name : code;
}

function nextEdge() {
  const now = Date.now();
  const ends = [...(state.feed ? state.feed.rotation : []), ...state.normal, ...catalogItems()]
    .map((item) => (item.end ? Date.parse(item.end) : Infinity))
    .filter((t) => t > now);
  return Math.min(Infinity, ...ends);
}

const listOptions = (onOpen) => ({ categoryName, fmt, now: Date.now(), onOpen });

// -- the carousel -------------------------------------------------------------------
function startProgress(seconds) {
  const bar = $('progress');
  bar.classList.remove('run');
  bar.style.setProperty('--dwell', `${seconds}s`);
  void bar.offsetWidth; // restart the animation
  bar.classList.add('run');
}

function showCard(item, items) {
  state.currentId = item ? item.notice_id : null;
  const card = $('card');
  card.classList.toggle('empty', !item);
  card.classList.toggle('is-urgent', Boolean(item && item.priority !== 'normal'));
  $('card-tags').replaceChildren(...(item ? tags(item, categoryName, Date.now()) : []));
  $('card-title').textContent = item ? item.title : t('目前沒有輪播中的公告');
  $('card-lead').textContent = item ? excerpt(item.summary || '', 300) : t('請輕觸下方「分類瀏覽」或「搜尋」，查看本大廳的全部公告。');
  $('card-lead').hidden = !$('card-lead').textContent;
  $('card-text').textContent = item ? excerpt(plainText(item.body_html), 600) : '';
  $('card-text').hidden = !$('card-text').textContent;
  $('card-meta').textContent = item ? [fmt.date(item.start), item.index_no && t('索引號 %(n)s', { n: item.index_no })].filter(Boolean).join(' · ') : '';
  $('card-hint').hidden = !item;
  $('counter').textContent = items.length ? `${state.index + 1} / ${items.length}` : '';
  const list = $('rotation-list');
  const ids = items.map((i) => `${i.notice_id}:${i.title}`).join('|');
  if (list.dataset.ids !== ids) {
    list.dataset.ids = ids;
    list.replaceChildren(...items.map((i) => listItem(i, listOptions((it) => openDetail(it, 'home')))));
  }
  for (const button of list.querySelectorAll('.item')) {
    const current = Number(button.dataset.id) === state.currentId;
    button.setAttribute('aria-current', String(current));
    if (current) button.scrollIntoView({ block: 'nearest' });
  }
}

function stopCarousel() {
  clearTimeout(carouselTimer);
  carouselTimer = null;
  $('progress').classList.remove('run');
}

// step 0: stay on the current item (or take the one now in its place); 1: the next one.
// The carousel runs only at rest: on the home view with no emergency over it.
function advance(step) {
  const items = rotation();
  if (!items.length) {
    stopCarousel();
    state.index = 0;
    showCard(null, items);
    return;
  }
  const at = items.findIndex((item) => item.notice_id === state.currentId);
  state.index = at < 0 ? Math.min(state.index, items.length - 1) : (at + step) % items.length;
  const item = items[state.index];
  showCard(item, items);
  if (state.view !== 'home' || !$('emergency').hidden) {
    stopCarousel();
  } else if (step > 0 || at < 0 || carouselTimer === null) {
    clearTimeout(carouselTimer);
    startProgress(item.dwell_s);
    carouselTimer = setTimeout(() => advance(1), item.dwell_s * 1000);
  }
}

// -- emergencies ----------------------------------------------------------------------
function renderEmergency() {
  clearTimeout(emergencyTimer);
  const items = emergencies();
  const box = $('emergency');
  if (!items.length) {
    if (!box.hidden) {
      box.hidden = true;
      $('app').inert = false;
      if (state.view === 'home') advance(0);
    }
    return;
  }
  if (box.hidden) state.emergencyIndex = 0;
  box.hidden = false;
  $('app').inert = true;
  stopCarousel();
  const index = state.emergencyIndex % items.length;
  const item = items[index];
  $('emergency-title').textContent = item.title;
  $('emergency-summary').textContent = item.summary || '';
  $('emergency-summary').hidden = !item.summary;
  $('emergency-body').innerHTML = item.body_html; // sanitised by the server (nh3)
  $('emergency-count').textContent = items.length > 1 ? `${index + 1} / ${items.length}` : '';
  if (items.length > 1) {
    emergencyTimer = setTimeout(() => {
      state.emergencyIndex = index + 1;
      renderEmergency();
    }, item.dwell_s * 1000);
  }
}

// -- a notice in full -----------------------------------------------------------------
function openDetail(item, from) {
  // The catalog holds the public record's facts (document number, issuing body...).
  const full = { ...(state.byId.get(item.notice_id) || {}), ...item };
  state.back = from;
  state.detailId = item.notice_id;
  $('detail-tags').replaceChildren(...tags(full, categoryName, Date.now()));
  $('detail-title').textContent = full.title;
  $('detail-facts').replaceChildren(...facts(full, { fmt, org: config.org }));
  $('detail-summary').textContent = full.summary || '';
  $('detail-summary').hidden = !full.summary;
  $('detail-body').innerHTML = full.body_html; // sanitised by the server (nh3)
  const files = attachmentList(full.attachments);
  $('detail-files').replaceChildren(...files);
  $('detail-files').hidden = files.length === 0;
  showView('detail');
  $('notice').scrollTop = 0;
  $('notice').focus({ preventScroll: true });
}

function page(direction) {
  const box = $('notice');
  box.scrollBy({ top: direction * box.clientHeight * 0.8, behavior: 'smooth' });
}

// -- browse ---------------------------------------------------------------------------
function renderBrowse() {
  const all = categories();
  if (!all.some((c) => c.code === state.category)) {
    state.category = (all.find((c) => c.count > 0) || all[0] || {}).code || null;
  }
  $('categories').replaceChildren(...all.map((c) => el('button', {
    type: 'button', className: 'category', 'aria-pressed': String(c.code === state.category),
    onclick: () => { state.category = c.code; renderBrowse(); },
  }, el('span', { className: 'category-name' }, c.name), el('span', { className: 'category-count' }, t('%(n)s 則', { n: c.count })))));
  const items = catalogItems().filter((item) => item.category === state.category);
  const title = $('browse-title');
  title.hidden = !state.category;
  title.textContent = `${categoryName(state.category)}（${t('%(n)s 則', { n: items.length })}）`;
  $('browse-list').replaceChildren(...(items.length
    ? items.map((item) => listItem(item, listOptions((it) => openDetail(it, 'browse'))))
    : [el('li', { className: 'empty' }, state.catalog ? t('此分類暫無公告') : t('正在載入目錄…'))]));
}

// -- search ---------------------------------------------------------------------------
function searchLocally(query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return catalogItems().filter((item) => {
    const text = [item.title, item.summary, item.index_no, item.doc_number, item.issuing_org,
      (item.keywords || []).join(' '), plainText(item.body_html)].join(' ').toLowerCase();
    return words.every((word) => text.includes(word));
  }).map((item) => item.notice_id);
}

async function search(query) {
  let ids;
  try {
    ids = (await live.search(query)).notice_ids; // Simplified and Traditional match each other there
  } catch {
    ids = searchLocally(query); // offline: plain substring match over what the kiosk holds
  }
  state.results = { query, ids };
  renderResults();
}

function renderResults() {
  const hint = $('search-hint');
  const list = $('search-results');
  if (!state.results) {
    hint.textContent = t('可輸入標題或正文中的字詞、索引號（例如 %(example)s）或文號。', { example: config.index_example });
    list.replaceChildren();
    return;
  }
  const { query, ids } = state.results;
  const items = ids.map((id) => state.byId.get(id)).filter(Boolean);
  hint.textContent = items.length ? t('找到 %(n)s 則與「%(q)s」相關的公告', { n: items.length, q: query })
    : t('沒有找到與「%(q)s」相關的公告', { q: query });
  list.replaceChildren(...items.map((item) => listItem(item, listOptions((it) => openDetail(it, 'search')))));
}

function typeKey(key) {
  const input = $('q');
  if (key === 'back') input.value = input.value.slice(0, -1);
  else if (key === 'clear') input.value = '';
  else input.value += key;
}

// -- views, redraws, idle -------------------------------------------------------------
function showView(name) {
  state.view = name;
  for (const view of VIEWS) $(`view-${view}`).hidden = view !== name;
  for (const button of document.querySelectorAll('.dock [data-view]')) {
    button.setAttribute('aria-current', button.dataset.view === name ? 'page' : 'false');
  }
  if (name === 'home') advance(0);
  else stopCarousel();
  if (name === 'browse') renderBrowse();
  if (name === 'search') renderResults();
}

function redraw() {
  state.nextEdge = nextEdge();
  renderEmergency();
  if (state.view === 'home') advance(0);
  else if (state.view === 'browse') renderBrowse();
  else if (state.view === 'search') renderResults();
  else if (state.view === 'detail' && !known(state.detailId)) showView(state.back); // withdrawn
}

function setLarge(on) {
  root.classList.toggle('large', on);
  $('large-text').setAttribute('aria-pressed', String(on));
}

// Nobody touched the screen for idle_s: back to the carousel, as the next person expects it.
function rest() {
  if (config.lang !== config.default_lang) window.location.replace(pageIn(config.default_lang));
  setLarge(false);
  $('q').value = '';
  state.results = null;
  state.category = null;
  if (state.view !== 'home') showView('home');
}

function touched() {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(rest, config.idle_s * 1000);
}

function tick() {
  const now = new Date();
  $('time').textContent = fmt.time.format(now);
  $('date').textContent = fmt.today.format(now);
  if (now.getTime() >= state.nextEdge) redraw(); // an item ended: drop it (online or not)
}

function layout() {
  const forced = config.orientation !== 'auto' ? config.orientation : null;
  root.dataset.layout = forced || (window.innerWidth > window.innerHeight ? 'landscape' : 'portrait');
}

// -- wiring ---------------------------------------------------------------------------
const live = new Live(config, {
  feed(data) {
    state.feed = data;
    if (!data.emergency) state.normal = data.rotation;
    redraw();
  },
  catalog(data) {
    state.catalog = data;
    state.byId = new Map(data.notices.map((item) => [item.notice_id, item]));
    redraw();
  },
  status(since) {
    const mark = $('offline');
    mark.hidden = !since;
    mark.textContent = since ? t('離線中 · 自 %(since)s 起', { since: fmt.dateTime(since.toISOString()) }) : '';
    root.dataset.online = since ? 'no' : 'yes';
  },
  gone() {
    stopCarousel();
    clearTimeout(emergencyTimer);
    $('emergency').hidden = true;
    $('app').inert = true;
    $('gone').hidden = false;
    setTimeout(() => window.location.reload(), 300000); // comes back by itself once re-registered
  },
});

layout();
window.addEventListener('resize', layout);
$('card').addEventListener('click', () => {
  const item = rotation().find((i) => i.notice_id === state.currentId);
  if (item) openDetail(item, 'home');
  else showView('browse'); // nothing rotates: the catalog still has the record
});
for (const button of document.querySelectorAll('.dock [data-view]')) {
  button.addEventListener('click', () => showView(button.dataset.view));
}
$('large-text').addEventListener('click', () => setLarge(!root.classList.contains('large')));
$('language').addEventListener('click', () => window.location.assign(pageIn($('language').dataset.lang)));
$('back').addEventListener('click', () => showView(state.back));
$('page-up').addEventListener('click', () => page(-1));
$('page-down').addEventListener('click', () => page(1));
$('search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const query = $('q').value.trim();
  if (query) search(query);
});
for (const key of document.querySelectorAll('.keypad [data-key]')) {
  key.addEventListener('click', () => typeKey(key.dataset.key));
}
// A kiosk never leaves its page: links in notices are shown, not followed.
for (const body of [$('detail-body'), $('emergency-body')]) {
  body.addEventListener('click', (event) => {
    if (event.target.closest('a')) event.preventDefault();
  });
}
for (const type of ['pointerdown', 'keydown', 'wheel', 'input']) {
  document.addEventListener(type, touched, { passive: true, capture: true });
}
document.addEventListener('contextmenu', (event) => event.preventDefault());
tick();
setInterval(tick, 1000);
showView('home');
// Another language was chosen by a touch on the page before this one: count idle from now.
if (config.lang !== config.default_lang) touched();
live.start();

// The service worker keeps the page, its assets and the last feed and catalog, so that a
// kiosk restarted without network comes up with what it last showed.
if ('serviceWorker' in navigator && window.isSecureContext) {
  const scope = `/kiosk/${encodeURIComponent(config.device)}/`;
  navigator.serviceWorker.register(`${scope}sw.js`, { scope })
    .then(() => navigator.serviceWorker.ready)
    .then(() => caches.open('kiosk-data'))
    .then((cache) => cache.addAll([window.location.href, live.url('feed.json'), live.url('catalog.json')]))
    .then(() => { root.dataset.offlineReady = 'yes'; })
    .catch(() => { root.dataset.offlineReady = 'no'; });
}
