// The map view: every geocoded event as a marker coloured by type, clustered, over offline Natural Earth
// boundaries (world-atlas), with the timeline below; brushing the timeline or ticking types filters the map.
import L from "./leaflet-global.js";
import "leaflet.markercluster";
import { feature } from "topojson-client";
import { get, qs } from "./api.js";
import { h, clear } from "./dom.js";
import { TYPES, typeIndex } from "./colors.js";
import { Timeline } from "./timeline.js";

const ICONS = TYPES.map((_, i) => L.divIcon({ className: "ev-marker t" + i, iconSize: [12, 12] }));
const boundaries = {}; // parsed TopoJSON by scale, each fetched once

// Natural Earth at 1:110m for the world view, 1:50m once zoomed in (ten times the detail and the bytes)
async function loadBoundaries(scale) {
  if (!boundaries[scale]) {
    const res = await fetch(`/static/dist/countries-${scale}.json`);
    const topo = await res.json();
    boundaries[scale] = feature(topo, topo.objects.countries);
  }
  return boundaries[scale];
}

// Markers per event type under a cluster, from its child clusters' counts (cached on each cluster while its
// size is unchanged): asking every cluster for all its markers cost O(markers x zoom levels) on each redraw,
// seconds at 50,000 markers. Uses markercluster 1.5's own fields (_markers, _childClusters, _childCount).
function typeCounts(cluster) {
  if (cluster._incidexCounts && cluster._incidexN === cluster._childCount) return cluster._incidexCounts;
  const counts = new Array(TYPES.length).fill(0);
  for (const m of cluster._markers) counts[m.options.t] += 1;
  for (const child of cluster._childClusters) {
    const sub = typeCounts(child);
    for (let i = 0; i < counts.length; i++) counts[i] += sub[i];
  }
  cluster._incidexCounts = counts;
  cluster._incidexN = cluster._childCount;
  return counts;
}

function clusterIcon(cluster) {
  const counts = typeCounts(cluster);
  const top = counts.indexOf(Math.max(...counts));
  const n = cluster.getChildCount();
  const size = n < 10 ? "s" : n < 100 ? "m" : n < 1000 ? "l" : "xl";
  const label = n >= 10000 ? Math.round(n / 1000) + "k" : String(n);
  return L.divIcon({ html: "<span>" + label + "</span>", className: `cluster t${top} c-${size}`,
    iconSize: L.point(36, 36) });
}

export async function mapView(root, config, params) {
  const status = h("p", { class: "map-status", id: "map-count", role: "status", "data-count": "0" }, "loading events…");
  const mapEl = h("div", { id: "map", class: "map", "aria-label": "Map of events" });
  const typeBoxes = TYPES.map((t, i) => h("input", { type: "checkbox", id: "type-" + i, checked: true, value: t }));
  const legend = h("fieldset", { class: "legend" }, h("legend", {}, "Event types"),
    TYPES.map((t, i) => h("label", { for: "type-" + i, class: "legend-item" }, typeBoxes[i],
      h("span", { class: "swatch t" + i, "aria-hidden": "true" }), t)));
  const tlEl = h("div", { class: "timeline", id: "timeline" });
  const list = h("div", { class: "map-list" });
  root.append(h("h1", { class: "sr-only" }, "Map"),
    h("div", { class: "map-layout" }, h("div", { class: "map-main" }, mapEl, tlEl, status), h("aside", { class: "map-side" }, legend, list)));

  // the events and the boundaries are fetched at the same time
  const t0 = performance.now();
  const pointsReq = get("/api/events/points" + qs({ status: params.get("status"), stance: params.get("stance") }));
  const map = L.map(mapEl, { worldCopyJump: true, minZoom: 2, maxZoom: 18 }).setView([30, 40], 3);
  const style = { color: "#7d8791", weight: 0.8, fillColor: "#eef0e8", fillOpacity: 1 };
  const base = L.geoJSON(await loadBoundaries("110m"), { interactive: false, style });
  base.addTo(map);
  let detailed = false;
  const detail = async () => {
    if (detailed || map.getZoom() < 5) return;
    detailed = true;
    const fine = await loadBoundaries("50m");
    base.clearLayers();
    base.addData(fine);
  };
  map.on("zoomend", detail);
  const layers = { "Boundaries (offline, Natural Earth)": base };
  if (config.tiles) {
    layers["Online tiles"] = L.tileLayer(config.tiles, { attribution: "tiles: " + new URL(config.tiles.replace("{s}", "a")).host });
  }
  L.control.layers(layers, {}, { collapsed: true }).addTo(map);
  L.control.scale().addTo(map);

  const data = await pointsReq;
  root.dataset.pointsMs = String(Math.round(performance.now() - t0));
  root.dataset.t0 = String(Math.round(t0));
  const rows = data.rows; // [event_id, lat, lon, event_type, date_start, date_end]
  const markers = rows.map((r) => {
    const m = L.marker([r[1], r[2]], { icon: ICONS[typeIndex(r[3])], t: typeIndex(r[3]), title: `${r[3]} ${r[4] || ""}`, alt: r[3] });
    m.row = r;
    return m;
  });
  let first = true;
  const done = () => requestAnimationFrame(() => {
    status.dataset.ready = "1";
    if (first) {
      first = false;
      root.dataset.renderMs = String(Math.round(performance.now() - t0));
      root.dataset.ready = "1";
    }
  });
  const cluster = L.markerClusterGroup({
    chunkedLoading: true, iconCreateFunction: clusterIcon, showCoverageOnHover: false,
    chunkProgress: (n, total) => { if (n === total) done(); },
  });
  cluster.addTo(map);
  // one popup for the group, filled on click: 50,000 markers need not carry a popup each
  const popup = L.popup();
  cluster.on("click", (e) => {
    const r = e.layer.row;
    popup.setLatLng(e.layer.getLatLng()).setContent(h("div", { class: "popup" }, h("strong", {}, r[3]), h("br"),
      r[4] || "date unknown", r[5] && r[5] !== r[4] ? " – " + r[5] : "", h("br"),
      h("a", { href: "#/event/" + r[0] }, "Open event " + r[0]))).openOn(map);
  });

  // one day per event for the timeline (an event with several places counts once)
  const seen = new Set();
  const days = [];
  for (const r of rows) {
    if (r[4] && !seen.has(r[0])) { seen.add(r[0]); days.push([r[4], typeIndex(r[3])]); }
  }
  let range = null;
  const apply = () => {
    const on = new Set(typeBoxes.map((b, i) => (b.checked ? i : -1)).filter((i) => i >= 0));
    const keep = markers.filter((m) => {
      const r = m.row;
      if (!on.has(m.options.t)) return false;
      if (!range) return true;
      if (!r[4]) return false;
      return r[4] <= range[1] && (r[5] || r[4]) >= range[0];
    });
    status.dataset.ready = "0";
    cluster.clearLayers();
    cluster.addLayers(keep);
    const evs = new Set(keep.map((m) => m.row[0]));
    status.dataset.count = String(keep.length);
    status.textContent = `${evs.size} events at ${keep.length} places on the map` +
      (range ? ` (${range[0]} to ${range[1]})` : "") + (data.truncated ? " — truncated: narrow the filters" : "");
    const firstRows = new Map();
    for (const m of keep) {
      if (firstRows.size >= 50) break;
      if (!firstRows.has(m.row[0])) firstRows.set(m.row[0], m.row);
    }
    clear(list).append(h("h2", {}, "Events shown"),
      h("ul", { class: "event-list" }, [...firstRows.values()].map((r) =>
        h("li", {}, h("a", { href: "#/event/" + r[0] }, `${r[4] || "?"} ${r[3]}`), ` (event ${r[0]})`))));
    if (evs.size > 50) list.append(h("p", {}, `and ${evs.size - 50} more`));
  };
  const timeline = new Timeline(tlEl, (r) => { range = r; apply(); });
  timeline.setData(days);
  typeBoxes.forEach((b) => b.addEventListener("change", apply));
  // zoom to the events first, so that the clusters are computed and drawn once, at the final zoom
  if (rows.length) map.fitBounds(L.latLngBounds(rows.map((r) => [r[1], r[2]])).pad(0.2), { maxZoom: 8, animate: false });
  apply();
  const onResize = () => timeline.draw();
  window.addEventListener("resize", onResize);
  return () => { window.removeEventListener("resize", onResize); map.remove(); };
}
