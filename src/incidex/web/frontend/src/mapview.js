// The map view: every geocoded event as a marker coloured by type, clustered, over offline Natural Earth
// boundaries (world-atlas), with the timeline below; brushing the timeline or ticking types filters the map.
import L from "./leaflet-global.js";
import "leaflet.markercluster";
import { feature } from "topojson-client";
import { getBytes, qs } from "./api.js";
import { h, clear } from "./dom.js";
import { TYPES, typeIndex } from "./colors.js";
import { decodePoints } from "./points.js";
import { Timeline, toDay, toIso } from "./timeline.js";

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
  const pointsReq = getBytes("/api/events/points" + qs({ format: "binary", status: params.get("status"),
    stance: params.get("stance") }));
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

  const data = decodePoints(await pointsReq);
  root.dataset.pointsMs = String(Math.round(performance.now() - t0));
  root.dataset.t0 = String(Math.round(t0));
  // one entry per place of an event, in event id order: typed columns, the dates as day numbers
  const n = data.count;
  const { event_id: ids, lat, lon, date_start: starts, date_end: ends } = data.cols;
  const NO_DAY = data.noDay;
  const typeOf = data.types.map(typeIndex); // the answer's type codes -> our colour classes
  const codes = data.cols.event_type;
  const typeName = (i) => data.types[codes[i]];
  const t = Uint8Array.from(codes, (c) => typeOf[c]);
  const isoCache = new Map();
  const iso = (d) => {
    if (d === NO_DAY) return "";
    let v = isoCache.get(d);
    if (v === undefined) isoCache.set(d, (v = toIso(d)));
    return v;
  };
  const markers = new Array(n);
  let minLat = 90, maxLat = -90, minLon = 180, maxLon = -180;
  for (let i = 0; i < n; i++) {
    const y = lat[i], x = lon[i];
    if (y < minLat) minLat = y;
    if (y > maxLat) maxLat = y;
    if (x < minLon) minLon = x;
    if (x > maxLon) maxLon = x;
    const name = typeName(i);
    const m = L.marker(L.latLng(y, x), { icon: ICONS[t[i]], t: t[i], title: name + " " + iso(starts[i]), alt: name });
    m.i = i;
    markers[i] = m;
  }
  let first = true;
  const done = () => requestAnimationFrame(() => {
    status.dataset.ready = "1";
    if (first) {
      first = false;
      root.dataset.renderMs = String(Math.round(performance.now() - t0));
      root.dataset.ready = "1";
    }
  });
  // chunked: the page stays responsive while 50,000 markers are clustered
  const cluster = L.markerClusterGroup({
    chunkedLoading: true, iconCreateFunction: clusterIcon, showCoverageOnHover: false,
    chunkProgress: (k, total) => { if (k === total) done(); },
  });
  // one popup for the group, filled on click: 50,000 markers need not carry a popup each
  const popup = L.popup();
  cluster.on("click", (e) => {
    const i = e.layer.i;
    const ds = iso(starts[i]), de = iso(ends[i]);
    popup.setLatLng(e.layer.getLatLng()).setContent(h("div", { class: "popup" }, h("strong", {}, typeName(i)), h("br"),
      ds || "date unknown", de && de !== ds ? " – " + de : "", h("br"),
      h("a", { href: "#/event/" + ids[i] }, "Open event " + ids[i]))).openOn(map);
  });

  // one day per event for the timeline (an event with several places counts once: its rows are adjacent)
  const days = [];
  const dayTypes = [];
  for (let i = 0; i < n; i++) {
    if (starts[i] !== NO_DAY && (i === 0 || ids[i] !== ids[i - 1])) { days.push(starts[i]); dayTypes.push(t[i]); }
  }
  let range = null; // [first day, last day] as day numbers
  const apply = () => {
    const on = typeBoxes.map((b) => b.checked);
    const keep = [];
    for (const m of markers) {
      const i = m.i;
      if (!on[t[i]]) continue;
      if (range) {
        const s0 = starts[i];
        if (s0 === NO_DAY || s0 > range[1] || (ends[i] === NO_DAY ? s0 : ends[i]) < range[0]) continue;
      }
      keep.push(m);
    }
    status.dataset.ready = "0";
    cluster.clearLayers();
    cluster.addLayers(keep, true); // true: no layeradd event per marker (nothing listens)
    let events = 0;
    const firstRows = [];
    for (let k = 0; k < keep.length; k++) {
      const i = keep[k].i;
      if (k > 0 && ids[keep[k - 1].i] === ids[i]) continue;
      events += 1;
      if (firstRows.length < 50) firstRows.push(i);
    }
    status.dataset.count = String(keep.length);
    status.textContent = `${events} events at ${keep.length} places on the map` +
      (range ? ` (${iso(range[0])} to ${iso(range[1])})` : "") + (data.truncated ? " — truncated: narrow the filters" : "");
    clear(list).append(h("h2", {}, "Events shown"),
      h("ul", { class: "event-list" }, firstRows.map((i) =>
        h("li", {}, h("a", { href: "#/event/" + ids[i] }, `${iso(starts[i]) || "?"} ${typeName(i)}`), ` (event ${ids[i]})`))));
    if (events > 50) list.append(h("p", {}, `and ${events - 50} more`));
  };
  const timeline = new Timeline(tlEl, (r) => { range = r && [toDay(r[0]), toDay(r[1])]; apply(); });
  timeline.setData(days, dayTypes);
  typeBoxes.forEach((b) => b.addEventListener("change", apply));
  // zoom to the events first, so that the clusters are computed and drawn once, at the final zoom
  if (n) map.fitBounds(L.latLngBounds([minLat, minLon], [maxLat, maxLon]).pad(0.2), { maxZoom: 8, animate: false });
  cluster.addTo(map); // after the zoom: an empty group on the map still redraws itself on zooming
  apply();
  const onResize = () => timeline.draw();
  window.addEventListener("resize", onResize);
  return () => { window.removeEventListener("resize", onResize); map.remove(); };
}
