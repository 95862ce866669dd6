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

// A time series (weeks, days) as columns, oldest on the left: the first, middle and last dates
// are written under the axis, the largest value beside it, and each column's value above it
// when it is not zero. Every value is in the description and in each column's tooltip.
export function columnChart({ title, items, emptyText, describe }) {
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
  const step = Math.max(8, Math.floor(320 / items.length));
  const plot = 110;
  const left = 24;
  const top = 14;
  const width = left + items.length * step + 8;
  const max = Math.max(1, ...items.map((i) => i.value));
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${top + plot + 20}`, role: 'img',
    'aria-label': `${title}: ${items.map((i) => describe(i)).join(', ')}`,
  });
  chart.append(svg('line', { x1: left, y1: top + plot, x2: width - 4, y2: top + plot, class: 'chart-axis' }));
  chart.append(svg('text', { x: left - 4, y: top + 4, 'text-anchor': 'end', class: 'chart-value' }, String(max)));
  const labelled = new Set([0, Math.floor((items.length - 1) / 2), items.length - 1]);
  items.forEach((item, n) => {
    const x = left + n * step + 1;
    const h = Math.round((item.value / max) * plot);
    const bar = svg('rect', { x, y: top + plot - h, width: step - 2, height: Math.max(h, 0), class: 'chart-bar' });
    bar.append(svg('title', {}, describe(item)));
    chart.append(bar);
    if (item.value && step >= 14) {
      chart.append(svg('text', { x: x + (step - 2) / 2, y: top + plot - h - 3, 'text-anchor': 'middle', class: 'chart-value' }, String(item.value)));
    }
    if (labelled.has(n)) {
      const anchor = n === 0 ? 'start' : n === items.length - 1 ? 'end' : 'middle';
      const lx = n === 0 ? x : n === items.length - 1 ? x + step - 2 : x + (step - 2) / 2;
      chart.append(svg('text', { x: lx, y: top + plot + 15, 'text-anchor': anchor, class: 'chart-label' }, item.label));
    }
  });
  figure.append(chart);
  return figure;
}
