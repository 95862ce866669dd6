// Case detail: every record of the case in time order, answers with the form's labels, each
// record's versions and the conflict log entries for it.
import { api } from '../api.js';
import { h, auto, formatTime } from '../dom.js';
import { t, language } from '../i18n.js';
import { caseName } from './cases.js';

function answersList(answers) {
  if (!answers?.length) return h('p', { class: 'muted' }, t('case.no_answers'));
  return h('dl', { class: 'answers' }, answers.flatMap((a) => [
    h('dt', {}, auto(a.label || a.key), a.label && a.key && a.label !== a.key ? h('span', { class: 'key' }, ` (${a.key})`) : null),
    // A repeat group: each row its own list of answers.
    h('dd', {}, Array.isArray(a.rows) ? h('ol', { class: 'rows' }, a.rows.map((row) => h('li', {}, answersList(row)))) : auto(displayOf(a))),
  ]));
}

function valueText(v) {
  if (v === undefined || v === null) return '';
  return valueText(v);
}

function displayOf(answer) {
  if (answer.display !== undefined && answer.display !== null) {
    return Array.isArray(answer.display) ? answer.display.join(', ') : String(answer.display);
  }
  const v = answer.value;
  if (v === undefined || v === null) return '';
  if (typeof v === 'boolean') return v ? t('case.yes') : t('case.no');
  return valueText(v);
}

function historyList(history) {
  if (!history?.length) return h('p', { class: 'muted' }, t('case.no_history'));
  return h('ol', { class: 'history' }, history.map((v) => h('li', {},
    t('case.version', { version: v.version ?? '', time: formatTime(v.written_at ?? v.updated_at), device: v.device_id ?? '' }),
    v.answers?.length ? h('details', {}, h('summary', {}, t('case.version_answers')), answersList(v.answers)) : null)));
}

function conflictList(conflicts) {
  if (!conflicts?.length) return h('p', { class: 'muted' }, t('case.no_conflicts'));
  return h('ul', { class: 'conflicts' }, conflicts.map((c) => h('li', {},
    t('case.conflict', { field: c.field ?? '', device: c.lost_by?.name || c.lost_by?.device_id || '', time: formatTime(c.lost_at ?? c.logged_at) }),
    ' ', auto(valueText(c.value_lost)), ' ', h('span', { class: 'muted' }, t('case.conflict_kept', { value: valueText(c.value_kept) })))));
}

function recordSection(record) {
  return h('article', { class: 'card record' },
    h('h2', {}, t('case.record', { kind: record.kind, version: record.form_version ?? '' })),
    h('p', { class: 'muted' }, t('case.record_times', { created: formatTime(record.created_at), updated: formatTime(record.updated_at) }),
      ' ', h('span', { class: 'mono' }, record.id)),
    answersList(record.answers),
    h('details', {}, h('summary', {}, t('case.history', { n: record.history?.length ?? 0 })), historyList(record.history)),
    h('details', { open: Boolean(record.conflicts?.length) }, h('summary', {}, t('case.conflicts', { n: record.conflicts?.length ?? 0 })), conflictList(record.conflicts)));
}

export async function renderCase(container, { args }) {
  const reply = await api.get(`/cases/${encodeURIComponent(args[0] ?? '')}`, { lang: language() });
  const c = reply.case ?? {};
  const records = [...(reply.records ?? [])].sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
  container.append(
    h('p', {}, h('a', { href: '#/cases' }, t('case.back'))),
    h('h1', {}, c.name || c.name_native ? caseName(c) : c.case_number || t('case.title')),
    h('dl', { class: 'summary card' },
      h('dt', {}, t('cases.case_number')), h('dd', {}, c.case_number ?? ''),
      h('dt', {}, t('cases.centre')), h('dd', {}, c.centre ?? ''),
      h('dt', {}, t('cases.status')), h('dd', {}, c.status ? t(`status.${c.status}`) : ''),
      h('dt', {}, t('cases.counsellor')), h('dd', {}, auto(c.counsellor)),
      h('dt', {}, t('cases.nationality')), h('dd', {}, auto(c.nationality)),
      h('dt', {}, t('cases.opened')), h('dd', {}, c.opened ?? '')),
    h('h2', {}, t('case.records', { n: records.length })),
    ...records.map(recordSection));
}
