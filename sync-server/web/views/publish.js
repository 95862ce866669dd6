// Publishing: upload a form definition or a content bundle (JSON), check it with the server's
// validation (the kiosks' own code), see errors by page and field, preview it, choose centres,
// publish; and the versions published so far.
import { api } from '../api.js';
import { h, field, formatTime } from '../dom.js';
import { t } from '../i18n.js';
import { act, centreIds, roleAtLeast, notice, errorBox } from '../session.js';
import { formPreview, bundlePreview } from './preview.js';
import { packBundle } from './bundle_pack.js';

function errorTable(errors) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'errors', id: 'publish-errors' },
    h('caption', {}, t('publish.errors', { n: errors.length })),
    h('thead', {}, h('tr', {}, ['publish.page', 'publish.field', 'publish.problem'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, errors.map((e) => h('tr', {}, h('td', {}, e.page ?? ''), h('td', {}, e.field ?? ''), h('td', {}, e.message ?? ''))))));
}

function centreChoice(centres) {
  return h('fieldset', { class: 'centres' }, h('legend', {}, t('publish.centres')),
    h('p', { class: 'hint' }, t('publish.centres_hint')),
    centres.map((c) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'centres', value: c }), ` ${c}`)));
}

async function versionsSection() {
  const section = h('section', { class: 'card', 'aria-labelledby': 'published-title' }, h('h2', { id: 'published-title' }, t('publish.versions')));
  try {
    const reply = await api.get('/published');
    const list = Array.isArray(reply) ? reply : reply?.published ?? reply?.versions ?? [];
    if (!list.length) section.append(h('p', { class: 'muted' }, t('publish.none')));
    else section.append(h('div', { class: 'table-wrap' }, h('table', { id: 'published' },
      h('thead', {}, h('tr', {}, ['publish.kind', 'publish.name', 'publish.version', 'publish.centres', 'publish.when'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, list.map((v) => h('tr', {}, h('td', {}, v.kind ?? ''), h('td', {}, v.id ?? ''),
        h('td', {}, v.version ?? ''), h('td', {}, !v.centre || v.centre === '_all' ? t('publish.all_centres') : v.centre),
        h('td', {}, formatTime(v.published_at))))))));
  } catch (error) {
    section.append(errorBox(error));
  }
  return section;
}

function uploadForm(centres) {
  const kind = h('select', { name: 'kind' }, h('option', { value: 'form' }, t('publish.kind_form')), h('option', { value: 'content' }, t('publish.kind_content')));
  const file = h('input', { type: 'file', name: 'file', multiple: true, required: true });
  const out = h('div', { 'aria-live': 'polite', id: 'publish-result' });
  const check = h('button', { type: 'submit' }, t('publish.check'));
  const publish = h('button', { type: 'button', disabled: true, id: 'publish-button' }, t('publish.publish'));
  const choice = centreChoice(centres);
  let definition = null;
  const form = h('form', { class: 'card', id: 'publish-form' }, h('h2', {}, t('publish.upload')),
    h('div', { class: 'filters' }, field(t('publish.kind'), kind), field(t('publish.file'), file, t('publish.file_hint'))),
    check, out, choice, publish);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    publish.disabled = true;
    act(check, out, async () => {
      const chosen = [...file.files];
      const main = chosen.find((f) => f.name.endsWith('.json')) ?? chosen[0];
      try { definition = JSON.parse((await main?.text()) ?? ''); } catch { out.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('publish.not_json'))); return; }
      if (kind.value === 'content') definition = await packBundle(definition, chosen.filter((f) => f !== main));
      const reply = await api.post('/publish/check', { kind: kind.value, definition });
      const errors = reply.errors ?? [];
      out.replaceChildren(reply.ok ? notice(t('publish.valid')) : errorTable(errors),
        kind.value === 'form' ? formPreview(definition) : bundlePreview(definition, reply.preview));
      publish.disabled = !reply.ok;
    });
  });
  publish.addEventListener('click', () => act(publish, out, async () => {
    const chosen = [...choice.querySelectorAll('input:checked')].map((i) => i.value);
    const reply = await api.post('/publish', { kind: kind.value, definition, centres: chosen });
    out.replaceChildren(notice(t('publish.done', { version: reply?.published?.[0]?.version ?? definition.version ?? '' })));
    document.getElementById('published-title')?.parentElement.replaceWith(await versionsSection());
  }));
  return form;
}

export async function renderPublish(container) {
  const centres = await centreIds(api);
  container.append(h('h1', {}, t('publish.title')));
  if (roleAtLeast('manager')) container.append(uploadForm(centres));
  container.append(await versionsSection());
}
