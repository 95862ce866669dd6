// Kiosks: the list; an enrolment code for a centre (shown once, never again); revoking a kiosk
// takes a second, explicit step that names the device.
import { api } from '../api.js';
import { h, field, formatTime } from '../dom.js';
import { t } from '../i18n.js';
import { act, centreIds, roleAtLeast, notice } from '../session.js';
import { centreSelect } from './centre_picker.js';
import { kioskList, kioskTable } from './kiosk_table.js';

function enrolmentForm(centres) {
  const centre = centreSelect(centres, centres[0] ?? '', { required: true });
  const ttl = h('input', { name: 'ttl_hours', type: 'number', min: 1, max: 720, value: 24 });
  const out = h('div', { 'aria-live': 'polite', id: 'enrolment-result' });
  const button = h('button', { type: 'submit' }, t('kiosks.make_code'));
  const form = h('form', { class: 'card', id: 'enrolment-form' }, h('h2', {}, t('kiosks.enrol_title')),
    h('div', { class: 'filters' }, field(t('filter.centre'), centre), field(t('kiosks.ttl'), ttl)), button, out);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act(button, out, async () => {
      const reply = await api.post('/kiosks/enrolment-codes', { centre: centre.value, ttl_hours: Number(ttl.value) || 24 });
      out.replaceChildren(h('div', { class: 'code-box', role: 'status' },
        h('p', {}, t('kiosks.code_once', { centre: reply.centre, expires: formatTime(reply.expires_at) })),
        h('output', { class: 'code mono', id: 'enrolment-code' }, reply.code)));
    });
  });
  return form;
}

function revokeButton(kiosk, reload) {
  const cell = h('div', { class: 'revoke' });
  const ask = () => {
    const out = h('div', { 'aria-live': 'polite' });
    const cancel = h('button', { type: 'button', onclick: () => draw() }, t('kiosks.cancel'));
    const yes = h('button', { type: 'button', class: 'danger', id: `confirm-revoke-${kiosk.device_id}` }, t('kiosks.confirm_revoke'));
    yes.addEventListener('click', () => act(yes, out, async () => {
      await api.post(`/kiosks/${encodeURIComponent(kiosk.device_id)}/revoke`, { confirm: kiosk.device_id });
      reload(t('kiosks.revoked_done', { device: kiosk.device_id }));
    }));
    cell.replaceChildren(h('div', { role: 'alertdialog', 'aria-label': t('kiosks.revoke') },
      h('p', {}, t('kiosks.revoke_question', { device: kiosk.device_id })), yes, ' ', cancel, out));
    cancel.focus();
  };
  const draw = () => cell.replaceChildren(h('button', { type: 'button', class: 'danger', onclick: ask }, t('kiosks.revoke')));
  draw();
  return cell;
}

export async function renderKiosks(container, { refresh, state }) {
  const [centres, kiosks] = await Promise.all([centreIds(api), api.get('/kiosks')]);
  const reload = (message) => { state.flash = message; refresh(); };
  container.append(h('h1', {}, t('kiosks.title')));
  if (state.flash) { container.append(notice(state.flash)); state.flash = null; }
  const canRevoke = roleAtLeast('admin');
  container.append(h('section', { class: 'card' }, kioskTable(kioskList(kiosks),
    canRevoke ? (k) => (k.revoked ? '' : revokeButton(k, reload)) : null)));
  if (roleAtLeast('manager')) container.append(enrolmentForm(centres));
}
