// Export: the current case filter as CSV (one file per form kind, a ZIP when several) or JSON
// Lines. The server streams the file; the browser saves it (the session cookie goes along).
import { api, url } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { centreIds } from '../session.js';
import { filterForm } from './cases.js';

function describe(filter) {
  const parts = Object.entries(filter).filter(([k]) => !['page', 'sort', 'order'].includes(k));
  return parts.length ? parts.map(([k, v]) => `${k}: ${v}`).join(', ') : t('export.everything');
}

export async function renderExport(container, { state }) {
  const centres = await centreIds(api);
  const links = h('div', { class: 'card' });
  const draw = () => {
    const filter = Object.fromEntries(Object.entries(state.caseFilter).filter(([k]) => !['page', 'sort', 'order'].includes(k)));
    links.replaceChildren(
      h('p', {}, t('export.filter', { filter: describe(filter) })),
      h('p', { class: 'actions' },
        h('a', { class: 'button', id: 'export-csv', href: url('/export', { format: 'csv', ...filter }), download: '' }, t('export.csv')),
        h('a', { class: 'button', id: 'export-jsonl', href: url('/export', { format: 'jsonl', ...filter }), download: '' }, t('export.jsonl'))),
      h('p', { class: 'muted' }, t('export.note')));
  };
  container.append(h('h1', {}, t('export.title')),
    filterForm(centres, state.caseFilter, (filter) => { state.caseFilter = filter; draw(); }, t('export.apply')), links);
  draw();
}
