// HQ users (admins only; the API refuses everyone else anyway): list, create, disable, change
// role and centres.
import { api } from '../api.js';
import { h, auto, field } from '../dom.js';
import { t } from '../i18n.js';
import { act, notice } from '../session.js';

const ROLES = ['viewer', 'manager', 'admin'];

function roleSelect(value) {
  return h('select', { name: 'role' }, ROLES.map((r) => h('option', { value: r, selected: r === value }, t(`role.${r}`))));
}

function centresInput(value) {
  return h('input', { name: 'centres', value: (value ?? []).join(', ') });
}

function parseCentres(text) { return text.split(',').map((c) => c.trim()).filter(Boolean); }

function roleForm(user, out, reload) {
  const role = roleSelect(user.role);
  const centres = centresInput(user.centres);
  const save = h('button', { type: 'submit' }, t('users.save'));
  const form = h('form', { class: 'inline-form' }, field(t('users.role'), role), field(t('users.centres'), centres), save);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act(save, out, async () => {
      await api.post(`/users/${encodeURIComponent(user.id)}/role`, { role: role.value, centres: parseCentres(centres.value) });
      reload(t('users.changed', { name: user.name }));
    });
  });
  return form;
}

function usersTable(list, out, reload) {
  const enabled = (u) => u.enabled ?? !u.disabled;
  return h('div', { class: 'table-wrap' }, h('table', { id: 'users' },
    h('thead', {}, h('tr', {}, ['users.name', 'users.role', 'users.centres', 'users.state', 'kiosks.actions'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, list.map((u) => h('tr', {}, h('td', {}, auto(u.name)), h('td', {}, t(`role.${u.role}`)),
      h('td', {}, (u.centres ?? []).length ? u.centres.join(', ') : t('publish.all_centres')),
      h('td', {}, enabled(u) ? t('counsellors.active') : t('counsellors.disabled')),
      h('td', {}, enabled(u) ? [roleForm(u, out, reload), h('button', { type: 'button', class: 'danger', onclick: (e) => act(e.target, out, async () => {
        await api.post(`/users/${encodeURIComponent(u.id)}/disable`, {});
        reload(t('users.disabled_done', { name: u.name }));
      }) }, t('users.disable'))] : ''))))));
}

function createForm(reload) {
  const name = h('input', { name: 'name', required: true, autocomplete: 'off', dir: 'auto' });
  const role = roleSelect('viewer');
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  const centres = centresInput([]);
  const out = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, t('users.create'));
  const form = h('form', { class: 'card' }, h('h2', {}, t('users.new')),
    h('div', { class: 'filters' }, field(t('users.name'), name), field(t('users.role'), role),
      field(t('users.password'), password), field(t('users.centres'), centres, t('users.centres_hint'))), button, out);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act(button, out, async () => {
      await api.post('/users', { name: name.value, role: role.value, password: password.value, centres: parseCentres(centres.value) });
      reload(t('users.created', { name: name.value }));
    });
  });
  return form;
}

export async function renderUsers(container, { state, refresh }) {
  const reply = await api.get('/users');
  const out = h('div', { 'aria-live': 'polite' });
  const reload = (message) => { state.flash = message; refresh(); };
  container.append(h('h1', {}, t('users.title')));
  if (state.flash) { container.append(notice(state.flash)); state.flash = null; }
  container.append(out, h('section', { class: 'card' }, usersTable(Array.isArray(reply) ? reply : reply?.users ?? [], out, reload)), createForm(reload));
}
