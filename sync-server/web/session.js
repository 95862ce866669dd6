// What every view shares: the signed-in user, the case filter (kept for the export view), the
// role rule for showing actions, and errors told in words.
import { ApiError } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

const ROLE_RANK = { viewer: 0, manager: 1, admin: 2 };
export const state = { user: null, caseFilter: {} };

// Hides what the role may not do; the API refuses it anyway.
export function roleAtLeast(role) {
  return Boolean(state.user) && (ROLE_RANK[state.user.role] ?? -1) >= ROLE_RANK[role];
}

export function describeError(error) {
  if (!(error instanceof ApiError)) return t('error.unexpected');
  if (error.code === 'network') return t('error.network');
  if (error.status === 403 && error.code === 'csrf_failed') return t('error.csrf');
  if (error.status === 403) return t('error.forbidden');
  if (error.status === 429) return t('error.rate_limited', { seconds: error.retryAfter || 60 });
  if (error.message) return t('error.server', { message: error.message });
  if (error.status === 404) return t('error.not_found');
  return t('error.status', { status: error.status });
}

export function errorBox(error) {
  return h('p', { class: 'error', role: 'alert' }, describeError(error));
}

export function notice(text) {
  return h('p', { class: 'notice', role: 'status' }, text);
}

// Runs an action from a button: disables it meanwhile, shows the outcome in `out`.
export async function act(button, out, action) {
  button.disabled = true;
  out.replaceChildren();
  try {
    await action();
  } catch (error) {
    out.replaceChildren(errorBox(error));
  } finally {
    button.disabled = false;
  }
}

// The centres the user may see (GET /centres), as ids; [] when the route is missing.
export async function centreIds(api) {
  try {
    const reply = await api.get('/centres');
    const list = Array.isArray(reply) ? reply : reply?.centres ?? [];
    return list.map((c) => (typeof c === 'string' ? c : c.centre ?? c.id ?? c.name)).filter(Boolean);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw error;
    return [];
  }
}
