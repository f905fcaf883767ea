// The timeline: events per day (per N days when the range is long) stacked by type, as SVG. Dragging over
// it (or typing dates in the two fields) selects a range; `onRange([from, to])` or `onRange(null)` is called.
import { h, s, clear } from "./dom.js";
import { TYPES } from "./colors.js";

const DAY = 86400000;
const H = 110;
const PAD = { l: 34, r: 8, t: 6, b: 18 };

// days since 1970-01-01, as the map's points carry their dates
export const toDay = (iso) => Math.floor(Date.parse(iso + "T00:00:00Z") / DAY);
export const toIso = (d) => new Date(d * DAY).toISOString().slice(0, 10);

export class Timeline {
  constructor(container, onRange) {
    this.onRange = onRange;
    this.range = null;
    this.svg = s("svg", { class: "timeline-svg", role: "img", height: H, "aria-label": "Events per day by type" });
    this.from = h("input", { type: "date", id: "tl-from", "aria-label": "From date" });
    this.to = h("input", { type: "date", id: "tl-to", "aria-label": "To date" });
    const apply = () => {
      if (this.from.value && this.to.value) this.setRange([this.from.value, this.to.value], true);
    };
    this.from.addEventListener("change", apply);
    this.to.addEventListener("change", apply);
    this.clearBtn = h("button", { type: "button", onclick: () => this.setRange(null, true) }, "Clear range");
    this.label = h("span", { class: "tl-label", id: "tl-label", "aria-live": "polite" }, "all dates");
    container.append(
      h("div", { class: "tl-controls" },
        h("label", { for: "tl-from" }, "From "), this.from, h("label", { for: "tl-to" }, " to "), this.to,
        this.clearBtn, this.label),
      this.svg);
    this.bindBrush();
  }

  // days: day numbers (toDay), one per event; types: the type index of each
  setData(days, types) {
    let d0 = Infinity;
    let d1 = -Infinity;
    for (const d of days) {
      if (d < d0) d0 = d;
      if (d > d1) d1 = d;
    }
    this.d0 = days.length ? d0 : toDay("2024-01-01");
    this.d1 = days.length ? d1 : this.d0;
    const span = this.d1 - this.d0 + 1;
    this.bin = Math.max(1, Math.ceil(span / 400));
    const nb = Math.ceil(span / this.bin);
    const counts = Array.from({ length: nb }, () => new Array(TYPES.length).fill(0));
    for (let i = 0; i < days.length; i++) counts[Math.floor((days[i] - this.d0) / this.bin)][types[i]] += 1;
    this.counts = counts;
    this.from.min = this.to.min = toIso(this.d0);
    this.from.max = this.to.max = toIso(this.d1);
    this.draw();
  }

  width() {
    return Math.max(300, this.svg.parentNode ? this.svg.parentNode.clientWidth : 600);
  }

  x(day) {
    const w = (this.w || this.width()) - PAD.l - PAD.r; // the width read once a drawing: each read forces a layout
    return PAD.l + ((day - this.d0) / (this.d1 - this.d0 + 1)) * w;
  }

  dayAt(px) {
    const w = this.width() - PAD.l - PAD.r;
    const d = this.d0 + Math.floor(((px - PAD.l) / w) * (this.d1 - this.d0 + 1));
    return Math.min(this.d1, Math.max(this.d0, d));
  }

  draw() {
    const W = this.width();
    this.w = W;
    this.svg.setAttribute("width", W);
    this.svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    clear(this.svg);
    const max = Math.max(1, ...this.counts.map((c) => c.reduce((a, b) => a + b, 0)));
    const plotH = H - PAD.t - PAD.b;
    const bw = Math.max(1, this.x(this.d0 + this.bin) - this.x(this.d0) - (this.bin === 1 ? 1 : 0));
    const g = s("g", { class: "bars" });
    this.counts.forEach((c, i) => {
      let y = H - PAD.b;
      const x = this.x(this.d0 + i * this.bin);
      c.forEach((n, t) => {
        if (!n) return;
        const bh = (n / max) * plotH;
        y -= bh;
        const r = s("rect", { x, y, width: bw, height: bh, class: "bar t" + t });
        r.appendChild(s("title", { text: `${toIso(this.d0 + i * this.bin)}: ${n} ${TYPES[t]}` }));
        g.appendChild(r);
      });
    });
    this.svg.appendChild(g);
    this.svg.appendChild(s("line", { x1: PAD.l, x2: W - PAD.r, y1: H - PAD.b, y2: H - PAD.b, class: "axis" }));
    this.svg.appendChild(s("text", { x: PAD.l - 4, y: PAD.t + 8, class: "tick", "text-anchor": "end", text: max }));
    const ticks = Math.min(6, this.d1 - this.d0 + 1);
    for (let k = 0; k < ticks; k++) {
      const d = this.d0 + Math.round((k * (this.d1 - this.d0)) / Math.max(1, ticks - 1));
      this.svg.appendChild(s("text", { x: this.x(d), y: H - 4, class: "tick", "text-anchor": k === 0 ? "start" : k === ticks - 1 ? "end" : "middle", text: toIso(d) }));
    }
    this.brush = s("rect", { class: "brush", x: 0, y: PAD.t, width: 0, height: plotH });
    this.svg.appendChild(this.brush);
    this.showRange();
  }

  showRange() {
    if (!this.brush) return;
    if (!this.range) {
      this.brush.setAttribute("width", 0);
      this.label.textContent = "all dates";
      this.from.value = this.to.value = "";
      return;
    }
    const [a, b] = this.range.map(toDay);
    this.brush.setAttribute("x", this.x(a));
    this.brush.setAttribute("width", Math.max(2, this.x(b + 1) - this.x(a)));
    this.label.textContent = `${this.range[0]} to ${this.range[1]}`;
    this.from.value = this.range[0];
    this.to.value = this.range[1];
  }

  setRange(range, notify) {
    if (range && range[0] > range[1]) range = [range[1], range[0]];
    this.range = range;
    this.showRange();
    if (notify) this.onRange(range);
  }

  bindBrush() {
    let start = null;
    const px = (ev) => {
      const r = this.svg.getBoundingClientRect();
      return ev.clientX - r.left;
    };
    this.svg.addEventListener("pointerdown", (ev) => {
      start = this.dayAt(px(ev));
      this.svg.setPointerCapture(ev.pointerId);
      ev.preventDefault();
    });
    this.svg.addEventListener("pointermove", (ev) => {
      if (start === null) return;
      const d = this.dayAt(px(ev));
      this.range = [toIso(Math.min(start, d)), toIso(Math.max(start, d))];
      this.showRange();
    });
    this.svg.addEventListener("pointerup", (ev) => {
      if (start === null) return;
      const d = this.dayAt(px(ev));
      const a = start;
      start = null;
      // a click without a drag clears the range
      this.setRange(d === a ? null : [toIso(Math.min(a, d)), toIso(Math.max(a, d))], true);
    });
  }
}
