// A document's text with marks over character spans (evidence, framing terms, places, figures, legal
// references). The text is cut at every span boundary and each piece goes in as a text node or as the
// textContent of a <mark>: whatever the document contains is shown, never interpreted.
import { h } from "./dom.js";

// marks: [{start, end, cls, title?, data?: {key: value}, note?: text shown after the span}]
export function highlightedText(text, marks, attrs = {}) {
  const cuts = new Set([0, text.length]);
  const ok = marks.filter((m) => m && Number.isInteger(m.start) && Number.isInteger(m.end) && m.start < m.end &&
    m.start >= 0 && m.end <= text.length);
  for (const m of ok) { cuts.add(m.start); cuts.add(m.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const root = h("div", { class: "doc-text", ...attrs });
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    const b = points[i + 1];
    const piece = text.slice(a, b);
    const over = ok.filter((m) => m.start <= a && m.end >= b);
    if (!over.length) {
      root.appendChild(document.createTextNode(piece));
      continue;
    }
    const el = h("mark", { class: [...new Set(over.map((m) => m.cls))].join(" ") });
    const titles = over.map((m) => m.title).filter(Boolean);
    if (titles.length) el.title = [...new Set(titles)].join("\n");
    for (const m of over) {
      for (const [k, v] of Object.entries(m.data || {})) {
        const key = "data-" + k;
        const prev = el.getAttribute(key);
        el.setAttribute(key, prev && prev !== String(v) ? prev + " " + v : String(v));
      }
    }
    el.textContent = piece;
    root.appendChild(el);
    for (const m of over) {
      if (m.note && m.end === b) root.appendChild(h("span", { class: "note " + m.cls + "-note" }, m.note));
    }
  }
  return root;
}

export function spanMark(span, cls, title, data, note) {
  if (!span) return null;
  return { start: span.start, end: span.end, cls, title, data, note };
}
