// The HQ page: signs in, keeps the session's user and CSRF token, draws the menu its role
// allows and routes #/<view> to one module per view (views/*.js).
import { api, ApiError, setCsrfToken, whenSignedOut } from './api.js';
import { h, clear } from './dom.js';
import { t, setLanguage, initialLanguage, language, availableLanguages } from './i18n.js';
import { renderSignIn } from './views/signin.js';
import { views, menu } from './views/registry.js';
import { state, roleAtLeast, errorBox } from './session.js';

function main() { return document.getElementById('main'); }

function signedIn(reply) {
  state.user = reply.user;
  setCsrfToken(reply.csrf_token);
  if (!location.hash || location.hash === '#/' || location.hash === '#/sign-in') location.hash = '#/overview';
  else route();
}

function signedOut() {
  state.user = null;
  setCsrfToken('');
  drawHeader();
  renderSignIn(main(), { onSignedIn: signedIn });
}

async function signOut() {
  try { await api.post('/sign-out', {}); } catch { /* the session is gone either way */ }
  location.hash = '#/sign-in';
  signedOut();
}

function languageSwitch() {
  return h('div', { class: 'lang-switch', role: 'group', 'aria-label': t('lang.label') },
    availableLanguages().map((lang) => h('button', {
      type: 'button', lang, 'aria-pressed': String(lang === language()),
      onclick: async () => { await setLanguage(lang); drawHeader(); route(); },
    }, t(`lang.${lang}`))));
}

function drawHeader() {
  document.title = t('app.title');
  const skip = document.getElementById('skip-link');
  if (skip) skip.textContent = t('app.skip');
  const current = location.hash.split('/')[1] || '';
  const nav = state.user ? h('nav', { 'aria-label': t('nav.label') }, h('ul', {},
    menu.filter((entry) => roleAtLeast(entry.role)).map((entry) => h('li', {},
      h('a', { href: `#/${entry.path}`, 'aria-current': entry.path === current ? 'page' : null }, t(entry.label)))))) : null;
  const who = state.user ? h('div', { class: 'who' },
    h('span', {}, t('app.signed_in_as', { name: state.user.name, role: t(`role.${state.user.role}`) })),
    h('a', { href: '#/password' }, t('nav.password')),
    h('button', { type: 'button', onclick: signOut, id: 'sign-out' }, t('nav.sign_out'))) : null;
  clear(document.getElementById('top'),
    h('div', { class: 'bar' }, h('p', { class: 'brand' }, t('app.title')), languageSwitch(), who), nav);
}

async function route() {
  drawHeader();
  if (!state.user) { signedOut(); return; }
  const [, name = 'overview', ...rest] = location.hash.split('/');
  const view = views[name] && roleAtLeast(views[name].role) ? views[name] : views.overview;
  const container = clear(main());
  try {
    await view.render(container, { state, args: rest.map(decodeURIComponent), refresh: route });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return;
    container.append(errorBox(error));
  }
  // After navigation the new view's heading gets focus, so keyboard and screen-reader users
  // start at the top of what changed.
  const heading = container.querySelector('h1');
  if (heading && document.activeElement === document.body) { heading.tabIndex = -1; heading.focus(); }
}

async function start() {
  await setLanguage(initialLanguage());
  whenSignedOut(signedOut);
  window.addEventListener('hashchange', route);
  try {
    const me = await api.get('/me', {}, { quietUnauthorized: true });
    state.user = me.user;
    setCsrfToken(me.csrf_token);
    if (!location.hash || location.hash === '#/sign-in') location.hash = '#/overview';
    route();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) signedOut();
    else { drawHeader(); clear(main()); main().append(errorBox(error)); }
  }
}

start();
