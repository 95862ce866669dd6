// Sign-in: name and password; a wrong pair and an unknown name get the same answer; when the
// server limits attempts, the wait it asks for is shown.
import { api, ApiError } from '../api.js';
import { h, clear, field } from '../dom.js';
import { t } from '../i18n.js';
import { describeError } from '../session.js';

export function renderSignIn(container, { onSignedIn }) {
  const name = h('input', { name: 'name', autocomplete: 'username', required: true, dir: 'auto' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const out = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, t('signin.submit'));
  const form = h('form', { class: 'card narrow', id: 'sign-in' },
    h('h1', {}, t('signin.title')),
    field(t('signin.name'), name), field(t('signin.password'), password), button, out);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    out.replaceChildren();
    try {
      const reply = await api.post('/sign-in', { name: name.value, password: password.value }, { quietUnauthorized: true });
      onSignedIn(reply);
    } catch (error) {
      const text = error instanceof ApiError && error.status === 401 ? t('signin.wrong') : describeError(error);
      out.replaceChildren(h('p', { class: 'error', role: 'alert' }, text));
      password.value = '';
      password.focus();
    } finally {
      button.disabled = false;
    }
  });
  clear(container, form);
  name.focus();
}
