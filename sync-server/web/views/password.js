// Change own password: the current one, the new one twice.
import { api } from '../api.js';
import { h, field } from '../dom.js';
import { t } from '../i18n.js';
import { act, notice } from '../session.js';

export async function renderPassword(container) {
  const current = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const next = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  const again = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  const out = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, t('password.submit'));
  const form = h('form', { class: 'card narrow' },
    field(t('password.current'), current), field(t('password.new'), next, t('password.hint')),
    field(t('password.again'), again), button, out);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (next.value !== again.value) {
      out.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('password.mismatch')));
      return;
    }
    act(button, out, async () => {
      await api.post('/me/password', { current: current.value, new: next.value });
      form.reset();
      out.replaceChildren(notice(t('password.done')));
    });
  });
  container.append(h('h1', {}, t('password.title')), form);
}
