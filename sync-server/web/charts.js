// Bar charts as inline SVG (no library): one bar per item, its value written beside it, the
// whole chart described in words for screen readers. Sizes come from the viewBox, so the chart
// scales with the page (200% zoom, narrow windows).
const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

// Turns the API's shapes into [{label, value}]: an object {open: 3} or a list of objects whose
// first text member is the label and first number the value ([{week: "2026-W02", count: 4}]).
export function series(data) {
  if (!data) return [];
  if (Array.isArray(data)) {
    return data.map((item) => {
      if (Array.isArray(item)) return { label: String(item[0]), value: Number(item[1]) || 0 };
      const values = Object.values(item);
      const label = values.find((v) => typeof v === 'string') ?? '';
      const value = values.find((v) => typeof v === 'number') ?? 0;
      return { label, value };
    });
  }
  return Object.entries(data).map(([label, value]) => ({ label, value: Number(value) || 0 }));
}

export function barChart({ title, items, emptyText, describe }) {
  const figure = document.createElement('figure');
  figure.className = 'chart';
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  figure.append(caption);
  if (!items.length) {
    const p = document.createElement('p');
    p.className = 'muted';
    p.textContent = emptyText;
    figure.append(p);
    return figure;
  }
  const rowHeight = 22;
  const labelWidth = 130;
  const barWidth = 220;
  const height = items.length * rowHeight + 4;
  const max = Math.max(1, ...items.map((i) => i.value));
  const chart = svg('svg', {
    viewBox: `0 0 ${labelWidth + barWidth + 60} ${height}`,
    role: 'img',
    'aria-label': `${title}: ${items.map((i) => describe(i)).join(', ')}`,
  });
  items.forEach((item, n) => {
    const y = n * rowHeight + 2;
    const label = item.label.length > 18 ? `${item.label.slice(0, 17)}…` : item.label;
    chart.append(svg('text', { x: labelWidth - 6, y: y + 15, 'text-anchor': 'end', class: 'chart-label' }, label));
    const w = Math.max(1, Math.round((item.value / max) * barWidth));
    const bar = svg('rect', { x: labelWidth, y: y + 3, width: w, height: rowHeight - 6, class: 'chart-bar' });
    bar.append(svg('title', {}, describe(item)));
    chart.append(bar);
    chart.append(svg('text', { x: labelWidth + w + 6, y: y + 15, class: 'chart-value' }, String(item.value)));
  });
  figure.append(chart);
  return figure;
}
