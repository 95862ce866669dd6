// A centre choice (all, or one of the centres in the user's scope) that reloads its view.
import { h, field } from '../dom.js';
import { t } from '../i18n.js';

export function centreSelect(centres, value, { allLabel = 'filter.all_centres', required = false } = {}) {
  const options = required ? [] : [h('option', { value: '' }, t(allLabel))];
  for (const id of centres) options.push(h('option', { value: id, selected: id === value }, id));
  return h('select', { name: 'centre', required }, options);
}

export function centreFilter(centres, value, onChange) {
  const select = centreSelect(centres, value);
  select.addEventListener('change', () => onChange(select.value));
  return h('div', { class: 'filters' }, field(t('filter.centre'), select));
}
