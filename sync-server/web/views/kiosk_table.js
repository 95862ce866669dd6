// The kiosks table shared by the overview and the kiosks view; `actions(kiosk)` adds a cell.
import { h, auto, formatTime } from '../dom.js';
import { t } from '../i18n.js';

export function kioskList(reply) {
  return Array.isArray(reply) ? reply : reply?.kiosks ?? [];
}

function stateCell(kiosk) {
  if (kiosk.revoked) return h('td', {}, h('span', { class: 'flag bad' }, t('kiosks.revoked')));
  if (kiosk.stale) return h('td', {}, h('span', { class: 'flag warn' }, t('kiosks.stale')));
  return h('td', {}, h('span', { class: 'flag ok' }, t('kiosks.ok')));
}

export function kioskTable(kiosks, actions) {
  if (!kiosks.length) return h('p', { class: 'muted' }, t('kiosks.none'));
  const head = ['kiosks.device', 'kiosks.centre', 'kiosks.name', 'kiosks.last_seen', 'kiosks.last_push',
    'kiosks.waiting', 'kiosks.quarantined', 'kiosks.version', 'kiosks.state'];
  return h('div', { class: 'table-wrap' }, h('table', { class: 'kiosks' },
    h('thead', {}, h('tr', {}, head.map((k) => h('th', { scope: 'col' }, t(k))), actions ? h('th', { scope: 'col' }, t('kiosks.actions')) : null)),
    h('tbody', {}, kiosks.map((k) => h('tr', { dataset: { device: k.device_id } },
      h('td', { class: 'mono' }, k.device_id), h('td', {}, k.centre), h('td', {}, auto(k.name)),
      h('td', {}, formatTime(k.last_seen)), h('td', {}, formatTime(k.last_push)),
      h('td', { class: 'num' }, k.outbox_waiting ?? ''), h('td', { class: 'num' }, k.quarantined ?? ''),
      h('td', {}, k.app_version ?? ''), stateCell(k),
      actions ? h('td', {}, actions(k)) : null)))));
}
