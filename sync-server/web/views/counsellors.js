// Counsellor accounts per centre: create, disable, reset PIN. They reach the centre's kiosks
// with their next sync.
import { api } from '../api.js';
import { h, auto, field } from '../dom.js';
import { t } from '../i18n.js';
import { act, centreIds, roleAtLeast, notice } from '../session.js';
import { centreFilter, centreSelect } from './centre_picker.js';

function resetPin(account, out) {
  const cell = h('div', { class: 'inline-form' });
  const start = h('button', { type: 'button' }, t('counsellors.reset_pin'));
  start.addEventListener('click', () => {
    const pin = h('input', { type: 'password', inputmode: 'numeric', autocomplete: 'new-password', required: true, minlength: 6 });
    const save = h('button', { type: 'submit' }, t('counsellors.save_pin'));
    const form = h('form', {}, field(t('counsellors.new_pin', { name: account.name }), pin), save);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      act(save, out, async () => {
        await api.post(`/counsellors/${encodeURIComponent(account.id)}/reset-pin`, { pin: pin.value });
        cell.replaceChildren(start);
        out.replaceChildren(notice(t('counsellors.pin_done', { name: account.name })));
      });
    });
    cell.replaceChildren(form);
    pin.focus();
  });
  cell.append(start);
  return cell;
}

function accountsTable(list, out, reload) {
  if (!list.length) return h('p', { class: 'muted' }, t('counsellors.none'));
  const manage = roleAtLeast('manager');
  const active = (a) => a.active ?? !a.disabled;
  return h('div', { class: 'table-wrap' }, h('table', { id: 'counsellors' },
    h('thead', {}, h('tr', {}, ['counsellors.name', 'kiosks.centre', 'counsellors.role', 'counsellors.state'].map((k) => h('th', { scope: 'col' }, t(k))),
      manage ? h('th', { scope: 'col' }, t('kiosks.actions')) : null)),
    h('tbody', {}, list.map((a) => h('tr', {}, h('td', {}, auto(a.name)), h('td', {}, a.centre ?? ''),
      h('td', {}, t(`counsellors.role_${a.role ?? 'counsellor'}`)), h('td', {}, active(a) ? t('counsellors.active') : t('counsellors.disabled')),
      manage ? h('td', {}, active(a) ? [h('button', { type: 'button', class: 'danger', onclick: (e) => act(e.target, out, async () => {
        await api.post(`/counsellors/${encodeURIComponent(a.id)}/disable`, {});
        reload(t('counsellors.disabled_done', { name: a.name }));
      }) }, t('counsellors.disable')), ' ', resetPin(a, out)] : '') : null)))));
}

function createForm(centres, reload) {
  const centre = centreSelect(centres, centres[0] ?? '', { required: true });
  const name = h('input', { name: 'name', required: true, dir: 'auto' });
  const role = h('select', { name: 'role' }, h('option', { value: 'counsellor' }, t('counsellors.role_counsellor')), h('option', { value: 'admin' }, t('counsellors.role_admin')));
  const pin = h('input', { name: 'pin', type: 'password', inputmode: 'numeric', autocomplete: 'new-password', required: true, minlength: 6 });
  const out = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, t('counsellors.create'));
  const form = h('form', { class: 'card' }, h('h2', {}, t('counsellors.new')),
    h('div', { class: 'filters' }, field(t('filter.centre'), centre), field(t('counsellors.name'), name), field(t('counsellors.role'), role), field(t('counsellors.pin'), pin, t('counsellors.pin_hint'))),
    button, out);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act(button, out, async () => {
      await api.post('/counsellors', { centre: centre.value, name: name.value, role: role.value, pin: pin.value });
      reload(t('counsellors.created', { name: name.value }));
    });
  });
  return form;
}

export async function renderCounsellors(container, { state, refresh }) {
  const centre = state.counsellorCentre ?? '';
  const [centres, reply] = await Promise.all([centreIds(api), api.get('/counsellors', { centre })]);
  const out = h('div', { 'aria-live': 'polite' });
  const reload = (message) => { state.flash = message; refresh(); };
  container.append(h('h1', {}, t('counsellors.title')),
    centreFilter(centres, centre, (value) => { state.counsellorCentre = value; refresh(); }));
  if (state.flash) { container.append(notice(state.flash)); state.flash = null; }
  container.append(out, h('section', { class: 'card' }, accountsTable(Array.isArray(reply) ? reply : reply?.counsellors ?? [], out, reload)));
  if (roleAtLeast('manager')) container.append(createForm(centres, reload));
}
