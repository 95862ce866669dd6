// Overview: per centre, cases by status, new intakes per week and records received per day as
// bar charts; then the kiosks with the stale ones flagged.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { barChart, columnChart, series } from '../charts.js';
import { centreIds } from '../session.js';
import { centreFilter } from './centre_picker.js';
import { kioskList, kioskTable } from './kiosk_table.js';

function centresOf(reply) {
  if (Array.isArray(reply)) return reply;
  if (Array.isArray(reply?.centres)) return reply.centres;
  return Object.entries(reply?.centres ?? {}).map(([centre, data]) => ({ centre, ...data }));
}

function centreSection(c) {
  const describe = (i) => t('chart.item', { label: i.label, value: i.value });
  const status = series(c.cases_by_status).map((i) => ({ ...i, label: t(`status.${i.label}`) === `status.${i.label}` ? i.label : t(`status.${i.label}`) }));
  return h('section', { class: 'card centre', 'aria-labelledby': `centre-${c.centre}` },
    h('h2', { id: `centre-${c.centre}` }, t('overview.centre', { centre: c.centre })),
    h('div', { class: 'charts' },
      barChart({ title: t('overview.cases_by_status'), items: status, emptyText: t('overview.no_data'), describe }),
      columnChart({ title: t('overview.intakes_per_week'), items: series(c.intakes_per_week), emptyText: t('overview.no_data'), describe }),
      columnChart({ title: t('overview.records_per_day'), items: series(c.records_per_day), emptyText: t('overview.no_data'), describe })));
}

export async function renderOverview(container, { args, state }) {
  const centre = args[0] ?? state.overviewCentre ?? '';
  const [centres, overview, kiosks] = await Promise.all([
    centreIds(api), api.get('/overview', { centre }), api.get('/kiosks', { centre }),
  ]);
  container.append(
    h('h1', {}, t('overview.title')),
    centreFilter(centres, centre, (value) => { state.overviewCentre = value; location.hash = `#/overview/${encodeURIComponent(value)}`; }));
  const list = centresOf(overview);
  if (!list.length) container.append(h('p', { class: 'muted' }, t('overview.no_data')));
  for (const c of list) container.append(centreSection(c));
  container.append(h('section', { class: 'card', 'aria-labelledby': 'overview-kiosks' },
    h('h2', { id: 'overview-kiosks' }, t('overview.kiosks')), kioskTable(kioskList(kiosks))));
}
