// The one string catalogue (i18n/<lang>.json): every visible string of the page comes from it.
const languages = ['en', 'nb'];
let strings = {};
let fallback = {};
let current = 'en';

async function load(lang) {
  const res = await fetch(`i18n/${lang}.json`, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`catalogue ${lang}: HTTP ${res.status}`);
  return res.json();
}

export async function setLanguage(lang) {
  if (!languages.includes(lang)) lang = 'en';
  if (!Object.keys(fallback).length) fallback = await load('en');
  strings = lang === 'en' ? fallback : await load(lang);
  current = lang;
  document.documentElement.lang = lang;
  try { localStorage.setItem('ws-hq-lang', lang); } catch { /* private mode: not kept */ }
}

export function initialLanguage() {
  let saved = null;
  try { saved = localStorage.getItem('ws-hq-lang'); } catch { /* no storage */ }
  if (saved && languages.includes(saved)) return saved;
  const browser = (navigator.language || 'en').toLowerCase();
  return browser.startsWith('nb') || browser.startsWith('no') || browser.startsWith('nn') ? 'nb' : 'en';
}

export function language() { return current; }
export function availableLanguages() { return languages; }

// t('cases.found', {n: 3}) -> "3 cases found"; a missing key shows itself, so it is noticed.
export function t(key, vars = {}) {
  const text = strings[key] ?? fallback[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}
