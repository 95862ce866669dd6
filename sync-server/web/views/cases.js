// Case search: name (Latin or own script), case number, dates, centre, status, counsellor,
// nationality; a paged table sorted by any column. The filter is kept for the export view.
import { api } from '../api.js';
import { h, auto, field, formatTime } from '../dom.js';
import { t } from '../i18n.js';
import { centreIds, errorBox } from '../session.js';
import { centreSelect } from './centre_picker.js';

const PER_PAGE = 25;
const STATUSES = ['open', 'considering', 'will_apply', 'declined', 'closed'];
// [sort key or null when the server cannot sort by it, label]
const COLUMNS = [
  ['case_number', 'cases.case_number'], ['name', 'cases.name'], ['centre', 'cases.centre'],
  ['status', 'cases.status'], [null, 'cases.counsellor'], [null, 'cases.nationality'],
  ['opened', 'cases.opened'], ['updated_at', 'cases.updated_at'],
];

// The Latin name and, when there is one, the name in the person's own script.
export function caseName(c) {
  return [auto(c.name), c.name_native ? [' ', h('span', { class: 'native' }, auto(c.name_native))] : null];
}

export function filterForm(centres, filter, onSubmit, submitLabel) {
  const input = (name, type = 'text') => h('input', { name, type, value: filter[name] ?? '', dir: type === 'text' ? 'auto' : null });
  const status = h('select', { name: 'status' }, h('option', { value: '' }, t('filter.any_status')),
    STATUSES.map((s) => h('option', { value: s, selected: s === filter.status }, t(`status.${s}`))));
  const form = h('form', { class: 'card filters', role: 'search' },
    field(t('cases.search_name'), input('q'), t('cases.search_name_hint')),
    field(t('cases.case_number'), input('case_number')),
    field(t('cases.from'), input('from', 'date')), field(t('cases.to'), input('to', 'date')),
    field(t('filter.centre'), centreSelect(centres, filter.centre ?? '')),
    field(t('cases.status'), status),
    field(t('cases.counsellor'), input('counsellor')), field(t('cases.nationality'), input('nationality')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, submitLabel)));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form).entries());
    onSubmit(Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')));
  });
  return form;
}

function sortButton(key, label, filter, onSort) {
  if (!key) return h('th', { scope: 'col' }, label);
  const active = filter.sort === key;
  const order = active && filter.order === 'asc' ? 'desc' : 'asc';
  return h('th', { scope: 'col', 'aria-sort': active ? (filter.order === 'asc' ? 'ascending' : 'descending') : 'none' },
    h('button', { type: 'button', class: 'sort', onclick: () => onSort(key, order) },
      label, h('span', { 'aria-hidden': 'true', class: 'sort-mark' }, active ? (filter.order === 'asc' ? ' ▲' : ' ▼') : ' ↕')));
}

function resultTable(reply, filter, search) {
  const cases = reply.cases ?? [];
  const total = reply.total ?? cases.length;
  // A capped count ("10,000+"): there are more pages than it says while a page comes back full.
  const capped = reply.total_capped === true;
  const perPage = reply.per_page ?? PER_PAGE;
  const page = Number(reply.page ?? filter.page ?? 1);
  const pages = Math.max(1, Math.ceil(total / perPage), capped && cases.length === perPage ? page + 1 : 1);
  const onSort = (sort, order) => search({ ...filter, sort, order, page: 1 });
  const table = cases.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'cases' },
    h('thead', {}, h('tr', {}, COLUMNS.map(([key, label]) => sortButton(key, t(label), filter, onSort)))),
    h('tbody', {}, cases.map((c) => h('tr', {},
      h('td', {}, h('a', { href: `#/case/${encodeURIComponent(c.case_id)}` }, c.case_number || t('cases.no_number'))),
      h('td', {}, caseName(c)), h('td', {}, c.centre), h('td', {}, c.status ? t(`status.${c.status}`) : ''),
      h('td', {}, auto(c.counsellor)), h('td', {}, auto(c.nationality)), h('td', {}, c.opened ?? ''), h('td', {}, formatTime(c.updated_at))))))) : null;
  const pager = h('nav', { class: 'pager', 'aria-label': t('cases.pages') },
    h('button', { type: 'button', disabled: page <= 1, onclick: () => search({ ...filter, page: page - 1 }) }, t('cases.previous')),
    h('span', {}, t(capped ? 'cases.page_of_more' : 'cases.page_of', { page, pages: pages.toLocaleString() })),
    h('button', { type: 'button', disabled: page >= pages, onclick: () => search({ ...filter, page: page + 1 }) }, t('cases.next')));
  const found = capped ? t('cases.found_more', { n: total.toLocaleString() }) : t('cases.found', { n: total });
  return [h('p', { role: 'status', id: 'case-count' }, found), table, cases.length ? pager : null];
}

export async function renderCases(container, { state }) {
  const centres = await centreIds(api);
  const results = h('section', { 'aria-label': t('cases.results'), id: 'case-results' });
  const search = async (filter) => {
    state.caseFilter = filter;
    results.replaceChildren(h('p', { class: 'muted' }, t('app.loading')));
    try {
      const reply = await api.get('/cases', { ...filter, per_page: PER_PAGE });
      results.replaceChildren(...resultTable(reply, filter, search).filter(Boolean));
    } catch (error) {
      results.replaceChildren(errorBox(error));
    }
  };
  container.append(h('h1', {}, t('cases.title')),
    filterForm(centres, state.caseFilter, (filter) => search({ ...filter, page: 1 }), t('cases.search')), results);
  await search(state.caseFilter);
}
