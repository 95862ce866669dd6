// One place that names every view, the least role that sees it, and the menu's order.
import { renderOverview } from './overview.js';
import { renderCases } from './cases.js';
import { renderCase } from './case.js';
import { renderExport } from './export.js';
import { renderKiosks } from './kiosks.js';
import { renderPublish } from './publish.js';
import { renderQuality } from './quality.js';
import { renderCounsellors } from './counsellors.js';
import { renderUsers } from './users.js';
import { renderAudit } from './audit.js';
import { renderPassword } from './password.js';

export const views = {
  overview: { role: 'viewer', render: renderOverview },
  cases: { role: 'viewer', render: renderCases },
  case: { role: 'viewer', render: renderCase },
  export: { role: 'viewer', render: renderExport },
  kiosks: { role: 'viewer', render: renderKiosks },
  publishing: { role: 'viewer', render: renderPublish },
  quality: { role: 'viewer', render: renderQuality },
  counsellors: { role: 'viewer', render: renderCounsellors },
  users: { role: 'admin', render: renderUsers },
  audit: { role: 'admin', render: renderAudit },
  password: { role: 'viewer', render: renderPassword },
};

export const menu = [
  { path: 'overview', label: 'nav.overview', role: 'viewer' },
  { path: 'cases', label: 'nav.cases', role: 'viewer' },
  { path: 'export', label: 'nav.export', role: 'viewer' },
  { path: 'kiosks', label: 'nav.kiosks', role: 'viewer' },
  { path: 'publishing', label: 'nav.publishing', role: 'viewer' },
  { path: 'quality', label: 'nav.quality', role: 'viewer' },
  { path: 'counsellors', label: 'nav.counsellors', role: 'viewer' },
  { path: 'users', label: 'nav.users', role: 'admin' },
  { path: 'audit', label: 'nav.audit', role: 'admin' },
];
