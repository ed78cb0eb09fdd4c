// Building the screen from feed and catalog items.
// Rule: every text a person wrote (title, summary, numbers, names) goes in as text
// (textContent); only body_html, which the server has sanitised, goes in as HTML.

import { t } from './i18n.js';

const PRIORITY = { urgent: '重要', emergency: '緊急' };

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'className') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'onclick') node.addEventListener('click', value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// The text of a sanitised body, one line per block (paragraph, heading, list item), for
// excerpts and offline search. DOMParser builds an inert document: nothing in it runs
// or loads.
const BLOCKS = 'p, li, h1, h2, h3, h4, h5, h6, td, th, pre';
const texts = new Map();
export function plainText(html) {
  if (!html) return '';
  let text = texts.get(html);
  if (text === undefined) {
    const body = new DOMParser().parseFromString(html, 'text/html').body;
    const blocks = [...body.querySelectorAll(BLOCKS)].filter((block) => !block.querySelector(BLOCKS));
    const parts = blocks.length ? blocks.map((block) => block.textContent) : [body.textContent];
    text = parts.map((part) => part.replace(/\s+/g, ' ').trim()).filter(Boolean).join('\n');
    if (texts.size > 2000) texts.clear();
    texts.set(html, text);
  }
  return text;
}

export function excerpt(text, limit) {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

export const ended = (item, now = Date.now()) => Boolean(item.end) && Date.parse(item.end) <= now;

export function formatters(timeZone, locale = 'zh-Hant') {
  const make = (options) => new Intl.DateTimeFormat(locale, { timeZone, ...options });
  const date = make({ year: 'numeric', month: 'long', day: 'numeric' });
  const dateTime = make({ year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return {
    time: make({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    today: make({ month: 'long', day: 'numeric', weekday: 'long' }),
    date: (iso) => (iso ? date.format(new Date(iso)) : ''),
    dateTime: (iso) => (iso ? dateTime.format(new Date(iso)) : ''),
  };
}

export function tags(item, categoryName, now) {
  return [
    el('span', { className: 'tag' }, categoryName(item.category)),
    PRIORITY[item.priority] ? el('span', { className: `tag ${item.priority}` }, t(PRIORITY[item.priority])) : null,
    ended(item, now) ? el('span', { className: 'tag expired' }, t('已過期')) : null,
  ].filter(Boolean);
}

// One row of a list (rotation, category, search results): a big button.
export function listItem(item, { categoryName, fmt, now, onOpen }) {
  const button = el('button', { type: 'button', className: 'item', dataset: { id: item.notice_id },
                                onclick: () => onOpen(item) },
    el('span', { className: 'item-title' }, item.title),
    el('span', { className: 'item-meta' }, tags(item, categoryName, now), el('span', {}, fmt.date(item.start))));
  return el('li', { className: ended(item, now) ? 'expired' : null }, button);
}

// The facts of the public record, as the portal's metadata table shows them.
export function facts(item, { fmt, org }) {
  const rows = [
    [t('索引號'), item.index_no],
    [t('文號'), item.doc_number],
    [t('發佈機構'), item.issuing_org || org],
    [t('成文日期'), item.issued_on ? fmt.date(`${item.issued_on}T12:00:00Z`) : null],
    [t('發佈日期'), fmt.dateTime(item.published || item.start)],
    [t('有效期'), item.end ? t('%(start)s 至 %(end)s', { start: fmt.dateTime(item.start), end: fmt.dateTime(item.end) })
      : t('%(start)s 起', { start: fmt.dateTime(item.start) })],
  ];
  return rows.filter(([, value]) => value).flatMap(([name, value]) => [el('dt', {}, name), el('dd', {}, value)]);
}

// The notice's files: name, type and size, and a QR code of the portal's download
// address for a phone to scan (the kiosk downloads nothing). The QR code is an image
// (a data: URL made by the server), so nothing in it can run.
function fileSize(size) {
  if (size >= 1024 * 1024) return `${(size / (1024 * 1024)).toFixed(1)} MB`;
  if (size >= 1024) return `${Math.round(size / 1024)} KB`;
  return `${size} B`;
}

export function attachmentList(files) {
  if (!files || files.length === 0) return [];
  const items = files.map((file) => el('li', { className: 'file' },
    file.qr ? el('img', { className: 'qr', src: file.qr, alt: `${file.filename} 的下載二維碼`, width: 132, height: 132 }) : null,
    el('span', { className: 'file-text' },
      el('span', { className: 'file-name' }, file.filename),
      el('span', { className: 'file-facts' }, `${file.label} · ${fileSize(file.size)}`),
      file.qr ? el('span', { className: 'file-hint' }, '用手機掃描二維碼下載') : null)));
  return [el('h3', { id: 'detail-files-h' }, `附件（${files.length}）`), el('ul', { className: 'files' }, items)];
}
