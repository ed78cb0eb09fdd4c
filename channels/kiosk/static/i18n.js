// The page's language (channels/kiosk/language.py): the labels this script draws are
// looked up by their Traditional Chinese source in the labels the server put in
// data-config; `%(name)s` takes a value, as in the server's gettext catalog.
const config = JSON.parse(document.body.dataset.config);
const labels = config.labels || {};

export function t(text, values = {}) {
  let out = labels[text] || text;
  for (const [name, value] of Object.entries(values)) out = out.replaceAll(`%(${name})s`, String(value));
  return out;
}

// The same page in another language (the language button); the default drops `lang`.
export function pageIn(lang) {
  const url = new URL(window.location.href);
  if (lang === config.default_lang) url.searchParams.delete('lang');
  else url.searchParams.set('lang', lang);
  return url.toString();
}
