// The audit log (admins): newest first, a page at a time; who, what, when and from where.
import { api } from '../api.js';
import { h, auto, formatTime } from '../dom.js';
import { t } from '../i18n.js';

const LIMIT = 50;

function details(value) {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'object') return String(value);
  // The address has its own column; the rest as key=value, which reads easier than JSON.
  return Object.entries(value).filter(([k]) => k !== 'address')
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ');
}

export async function renderAudit(container, { args }) {
  const before = args[0] ?? '';
  const reply = await api.get('/audit', { limit: LIMIT, before });
  const entries = Array.isArray(reply) ? reply : reply?.entries ?? [];
  container.append(h('h1', {}, t('audit.title')));
  if (!entries.length) { container.append(h('p', { class: 'muted' }, t('audit.none'))); return; }
  container.append(h('div', { class: 'table-wrap card' }, h('table', { id: 'audit' },
    h('thead', {}, h('tr', {}, ['audit.seq', 'audit.when', 'audit.actor', 'audit.address', 'audit.action', 'audit.subject', 'audit.details'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, entries.map((e) => h('tr', {}, h('td', { class: 'num' }, e.seq ?? ''), h('td', {}, formatTime(e.time_ms ?? e.time)),
      h('td', {}, auto(e.actor ?? '')), h('td', { class: 'mono nowrap' }, e.details?.address ?? e.address ?? ''), h('td', {}, e.action ?? ''),
      h('td', { class: 'mono' }, e.object_id ?? e.subject ?? ''), h('td', { class: 'details' }, details(e.details))))))));
  const last = entries[entries.length - 1]?.seq;
  container.append(h('nav', { class: 'pager', 'aria-label': t('cases.pages') },
    before ? h('a', { href: '#/audit' }, t('audit.newest')) : null,
    entries.length === LIMIT && last !== undefined ? h('a', { href: `#/audit/${last}` }, t('audit.older')) : null));
}
