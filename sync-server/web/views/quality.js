// Data quality: records the server refused (reason in words, device, centre, when) and the
// conflict log, per centre, with filters.
import { api } from '../api.js';
import { h, auto, field, formatTime } from '../dom.js';
import { t } from '../i18n.js';
import { centreIds, errorBox } from '../session.js';
import { centreSelect } from './centre_picker.js';

function listOf(reply, key) { return Array.isArray(reply) ? reply : reply?.[key] ?? []; }

function text(v) { return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v); }

function refusedTable(list) {
  if (!list.length) return h('p', { class: 'muted' }, t('quality.no_refused'));
  return h('div', { class: 'table-wrap' }, h('table', { id: 'refused' },
    h('thead', {}, h('tr', {}, ['quality.when', 'kiosks.centre', 'quality.device', 'quality.kind', 'quality.explanation', 'quality.reason'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, list.map((r) => h('tr', {},
      h('td', {}, formatTime(r.refused_at ?? r.received_at ?? r.at ?? r.time)), h('td', {}, r.centre ?? ''),
      h('td', { class: 'mono' }, r.device_id ?? ''), h('td', {}, r.kind ?? ''),
      h('td', {}, auto(r.explanation ?? '')), h('td', { class: 'muted' }, r.reason ?? r.code ?? ''))))));
}

function conflictTable(list) {
  if (!list.length) return h('p', { class: 'muted' }, t('quality.no_conflicts'));
  return h('div', { class: 'table-wrap' }, h('table', { id: 'conflicts' },
    h('thead', {}, h('tr', {}, ['quality.when', 'kiosks.centre', 'quality.record', 'quality.field', 'quality.lost_value', 'quality.kept_value', 'quality.device'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, list.map((c) => h('tr', {},
      h('td', {}, formatTime(c.logged_at ?? c.lost_at)), h('td', {}, c.centre ?? ''),
      h('td', {}, c.case_id ? h('a', { href: `#/case/${encodeURIComponent(c.case_id)}` }, c.kind ?? c.record_id) : (c.kind ?? '')),
      h('td', {}, c.field ?? ''), h('td', {}, auto(text(c.value_lost))), h('td', {}, auto(text(c.value_kept))),
      h('td', {}, auto(c.lost_by?.name || c.lost_by?.device_id || '')))))));
}

export async function renderQuality(container, { state }) {
  const centres = await centreIds(api);
  const filter = state.qualityFilter ?? { centre: '', all: false, case: '' };
  const centre = centreSelect(centres, filter.centre);
  const all = h('input', { type: 'checkbox', name: 'all', checked: filter.all });
  const caseId = h('input', { name: 'case', value: filter.case, dir: 'auto' });
  const results = h('div', {});
  const load = async () => {
    state.qualityFilter = { centre: centre.value, all: all.checked, case: caseId.value };
    results.replaceChildren(h('p', { class: 'muted' }, t('app.loading')));
    const sections = [];
    for (const [title, path, params, draw, key] of [
      ['quality.refused', '/refused', { centre: centre.value, all: all.checked ? 1 : '' }, refusedTable, 'refused'],
      ['quality.conflicts', '/conflicts', { centre: centre.value, case: caseId.value }, conflictTable, 'conflicts']]) {
      const section = h('section', { class: 'card' }, h('h2', {}, t(title)));
      try { section.append(draw(listOf(await api.get(path, params), key))); } catch (error) { section.append(errorBox(error)); }
      sections.push(section);
    }
    results.replaceChildren(...sections);
  };
  const form = h('form', { class: 'card filters' }, field(t('filter.centre'), centre),
    h('div', { class: 'field' }, h('label', { class: 'check' }, all, ` ${t('quality.all')}`)),
    field(t('quality.case'), caseId), h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('quality.apply'))));
  form.addEventListener('submit', (event) => { event.preventDefault(); load(); });
  container.append(h('h1', {}, t('quality.title')), form, results);
  await load();
}
