// Read-only previews of an uploaded definition, drawn from the file itself: a form's pages and
// fields, and a content bundle's pages in every language it has (right-to-left ones with
// dir="rtl" and their own lang, so the browser shapes and orders them correctly).
import { h } from '../dom.js';
import { t, language } from '../i18n.js';

const RTL = new Set(['ar', 'prs', 'fa', 'ps', 'ur', 'he', 'ckb']);
// Kiosk language codes that are not BCP 47 primary tags the browser knows.
const LANG_TAG = { prs: 'fa-AF' };

function localised(value, lang) {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'object') return String(value);
  return value[lang] ?? value.en ?? Object.values(value)[0] ?? '';
}

function fieldPreview(f, lang) {
  const choices = (f.choices ?? []).map((c) => localised(c.label, lang) || c.value);
  return h('li', {},
    h('strong', { dir: 'auto' }, localised(f.label, lang) || f.name), ' ',
    h('span', { class: 'muted' }, `(${f.name}, ${t(`type.${f.type}`) === `type.${f.type}` ? f.type : t(`type.${f.type}`)}${f.required ? `, ${t('publish.required')}` : ''})`),
    choices.length ? h('span', { class: 'choices' }, ': ', h('bdi', { dir: 'auto' }, choices.join(' · '))) : null,
    f.fields?.length ? h('ul', {}, f.fields.map((sub) => fieldPreview(sub, lang))) : null);
}

export function formPreview(def) {
  const lang = language();
  const fields = def.fields ?? [];
  const pages = def.pages?.length ? def.pages : [{ id: '', title: localised(def.title, lang) }];
  return h('section', { class: 'preview', 'aria-label': t('publish.preview') },
    h('h3', {}, t('publish.form_preview', { title: localised(def.title, lang) || def.id || '', version: def.version ?? '' })),
    pages.map((page) => h('fieldset', { disabled: true },
      h('legend', {}, localised(page.title, lang) || page.id || t('publish.page')),
      h('ul', {}, fields.filter((f) => !page.id || (f.page ?? pages[0].id) === page.id).map((f) => fieldPreview(f, lang))))));
}

function block(b) {
  if (b.type === 'qr' || b.type === 'link') return h('p', {}, h('span', { class: 'muted' }, `[${b.type}] `), b.caption ?? '', ' ', h('span', { class: 'mono', dir: 'ltr' }, b.url ?? ''));
  if (b.type === 'image') return h('p', { class: 'muted' }, `[${t('publish.image')}: ${b.alt ?? b.file ?? ''}]`);
  if (b.type === 'list' && Array.isArray(b.items)) return h('ul', {}, b.items.map((i) => h('li', {}, String(i))));
  return h('p', { class: b.type === 'note' ? 'note' : null }, b.text ?? b.title ?? '');
}

// `server`: the check's preview, when it has one, names each language and its lang/dir.
export function bundlePreview(def, server) {
  const languages = def.languages ?? [def.source_language ?? 'en'];
  const known = Object.fromEntries((server?.languages ?? []).map((l) => [l.code, l]));
  return h('section', { class: 'preview', 'aria-label': t('publish.preview') },
    h('h3', {}, t('publish.bundle_preview', { bundle: def.bundle ?? '', version: def.version ?? '' })),
    languages.map((lang) => h('details', { class: 'bundle-lang' },
      h('summary', {}, t('publish.language', { lang: known[lang]?.name ? `${known[lang].name} (${lang})` : lang })),
      h('div', { lang: known[lang]?.lang ?? LANG_TAG[lang] ?? lang, dir: known[lang]?.dir ?? (RTL.has(lang) ? 'rtl' : 'ltr'), class: 'bundle-pages', dataset: { lang } },
        (def.pages ?? []).map((page) => {
          const text = page.text?.[lang];
          if (!text) return h('article', { lang: 'en', dir: 'ltr' }, h('p', { class: 'muted' }, t('publish.missing_language', { page: page.id })));
          return h('article', {}, h('h4', {}, text.title ?? page.id), (text.blocks ?? []).map(block));
        })))));
}
