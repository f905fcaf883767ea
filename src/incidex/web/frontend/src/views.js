// The views other than the map: documents, a document with its claims, an event, incidents, an incident,
// the audit log and search. Each fetches from /api and builds its DOM with h() (text via textContent).
import { get, post, qs, ApiError } from "./api.js";
import { h, clear, table, short } from "./dom.js";
import { typeClass } from "./colors.js";
import { highlightedText, spanMark } from "./highlight.js";

const dateText = (d) => (!d || !d.start ? "?" : d.end && d.end !== d.start ? `${d.start} – ${d.end}` : d.start);
const rowDate = (r) => (!r.date_start ? "?" : r.date_end && r.date_end !== r.date_start ? `${r.date_start} – ${r.date_end}` : r.date_start);
const num = (x) => (x === null || x === undefined ? "–" : String(x));
const status = (s) => h("span", { class: "status st-" + s }, s);
const typeBadge = (t, sub) => h("span", { class: "type-badge " + typeClass(t) }, sub ? `${t}: ${sub}` : t);

// a message that outlives the re-rendering of the view (role=status: read out by screen readers)
export function flash(text, cls = "ok") {
  const el = document.getElementById("flash");
  if (!el) return;
  el.textContent = text;
  el.className = cls;
}

function loadMore(container, fetchPage, renderItems) {
  // a "Load more" button paging by cursor
  let cursor = null;
  const btn = h("button", { type: "button", class: "more" }, "Load more");
  const go = async () => {
    btn.disabled = true;
    const page = await fetchPage(cursor);
    renderItems(page.items);
    cursor = page.next_cursor;
    btn.disabled = false;
    btn.hidden = !cursor;
  };
  btn.addEventListener("click", go);
  container.appendChild(btn);
  return go();
}

// -- review ---------------------------------------------------------------------------------------------------

export function reviewPanel(ref, current, onDone, editable = ["summary", "sub_type", "date_start", "date_end", "certainty", "claimed_by"]) {
  const reason = h("input", { type: "text", id: `reason-${ref}`, class: "reason", placeholder: "why (required for edit)" });
  const field = h("select", { id: `field-${ref}`, "aria-label": "Field to edit" }, editable.map((f) => h("option", { value: f }, f)));
  const value = h("input", { type: "text", id: `value-${ref}`, "aria-label": "New value", placeholder: "new value" });
  const msg = h("p", { class: "review-msg", role: "status", "aria-live": "polite" });
  const act = async (action) => {
    msg.textContent = "";
    msg.className = "review-msg";
    try {
      const body = { reason: reason.value || null };
      if (action === "edit") {
        if (!reason.value.trim()) throw new ApiError(422, "E305", "an edit needs a reason");
        body.changes = { [field.value]: value.value === "" ? null : value.value };
      }
      const out = await post(`/api/claims/${ref}/${action}`, body);
      msg.textContent = `${ref}: ${out.claim.review_status}`;
      msg.classList.add("ok");
      flash(`${ref}: ${out.claim.review_status} (recorded in the audit log)`);
      if (onDone) onDone(out);
    } catch (e) {
      msg.textContent = e instanceof ApiError ? `error [${e.code}]: ${e.message}` : String(e);
      msg.classList.add("error");
    }
  };
  return h("form", { class: "review", "aria-label": `Review ${ref}`, onsubmit: (e) => { e.preventDefault(); act("edit"); } },
    h("span", { class: "review-ref" }, ref, " ", current ? status(current) : null),
    h("button", { type: "button", class: "confirm", onclick: () => act("confirm") }, "Confirm"),
    h("button", { type: "button", class: "reject", onclick: () => act("reject") }, "Reject"),
    h("label", { for: `reason-${ref}` }, "Reason "), reason,
    h("details", { class: "edit" }, h("summary", {}, "Edit…"),
      h("label", { for: `field-${ref}` }, "Field "), field, " ", value, " ",
      h("button", { type: "submit" }, "Save edit")),
    msg);
}

// -- documents ------------------------------------------------------------------------------------------------

export async function documentsView(root) {
  root.append(h("h1", {}, "Documents"));
  const tbody = h("tbody");
  root.append(h("table", { class: "list" }, h("thead", {}, h("tr", {}, ["Published", "Title", "Publisher", "Stance", "Events", "Id"].map((x) => h("th", { scope: "col" }, x)))), tbody));
  await loadMore(root, (c) => get("/api/documents" + qs({ cursor: c, limit: 50 })), (items) => {
    for (const d of items) {
      tbody.append(h("tr", {}, h("td", {}, d.published || "?"), h("td", {}, h("a", { href: "#/document/" + d.id }, d.title || "(untitled)")),
        h("td", {}, d.publisher || d.source_name || ""), h("td", {}, d.stance || ""), h("td", {}, d.events), h("td", { class: "mono" }, short(d.id))));
    }
  });
}

function docMarks(data, focusEvent) {
  const marks = [];
  for (const e of data.events) {
    const cur = focusEvent === e.id;
    for (const sp of e.evidence || []) {
      marks.push(spanMark(sp, "evidence" + (cur ? " current" : "") + (e.review_status === "rejected" ? " rejected" : ""),
        `event:${e.id} ${e.event_type}: ${e.sub_type} (${e.review_status})`, { ref: `event:${e.id}` }));
    }
    if (!focusEvent || cur) {
      for (const l of e.locations) marks.push(spanMark(l.span_start === null ? null : { start: l.span_start, end: l.span_end }, "place", `place: ${l.name} (${l.country_code || "?"})`));
      for (const c of e.casualties) marks.push(spanMark(c.span_start === null ? null : { start: c.span_start, end: c.span_end }, "figure", `${c.outcome} ${c.casualty_group}: ${num(c.low)}–${num(c.high)} (${c.claimed_by})`));
      if (e.date_span_start !== null && e.date_span_start !== undefined) marks.push(spanMark({ start: e.date_span_start, end: e.date_span_end }, "date", `date: ${rowDate(e)}`));
    }
  }
  for (const f of data.framing || []) {
    marks.push(spanMark({ start: f.span_start, end: f.span_end }, "framing", `framing: ${f.category}; neutral: ${f.neutral_alternative}`,
      { category: f.category, neutral: f.neutral_alternative }, `[${f.category.replaceAll("_", " ")} → ${f.neutral_alternative ? "“" + f.neutral_alternative + "”" : "omit"}]`));
  }
  for (const l of data.legal_references || []) {
    marks.push(spanMark({ start: l.span_start, end: l.span_end }, "legal", `legal: ${l.instrument}${l.identifier ? " " + l.identifier : ""} (${l.kind})`));
  }
  return marks.filter(Boolean);
}

function docHeader(d) {
  return h("dl", { class: "meta" },
    h("dt", {}, "Publisher"), h("dd", {}, d.publisher || d.source_name || "?"),
    h("dt", {}, "Published"), h("dd", {}, d.published || "?"),
    h("dt", {}, "Stance"), h("dd", {}, d.stance || "?"),
    h("dt", {}, "URL"), h("dd", {}, d.url ? h("a", { href: d.url, rel: "noopener noreferrer nofollow", target: "_blank" }, d.url) : "–"),
    h("dt", {}, "Id"), h("dd", { class: "mono" }, d.id));
}

function legend() {
  return h("p", { class: "mark-legend" }, "Marks: ", h("mark", { class: "evidence" }, "evidence"), " ", h("mark", { class: "place" }, "place"), " ",
    h("mark", { class: "figure" }, "figure"), " ", h("mark", { class: "date" }, "date"), " ", h("mark", { class: "framing" }, "framing term"), " ",
    h("mark", { class: "legal" }, "legal reference"));
}

export async function documentView(root, id) {
  const data = await get("/api/documents/" + encodeURIComponent(id));
  const d = data.document;
  const rerender = () => { clear(root); documentView(root, id); };
  root.append(h("h1", {}, d.title || "(untitled document)"), docHeader(d), legend());
  const claims = h("section", { class: "claims", "aria-label": "Claims" }, h("h2", {}, `Events (${data.events.length})`),
    data.events.map((e) => h("article", { class: "claim " + typeClass(e.event_type), id: `claim-event-${e.id}` },
      h("h3", {}, h("a", { href: "#/event/" + e.id }, `event:${e.id}`), " ", typeBadge(e.event_type, e.sub_type), " ", rowDate(e)),
      h("p", {}, e.summary),
      h("p", { class: "small" }, `${e.certainty}, claimed by ${e.claimed_by}; places: ${e.locations.map((l) => l.name).join(", ") || "–"}`),
      reviewPanel(`event:${e.id}`, e.review_status, rerender))),
    h("h2", {}, `Framing (${data.framing.length})`),
    data.framing.length ? table(["Term", "Category", "Neutral alternative"], data.framing.map((f) => h("tr", {}, h("td", {}, f.term), h("td", {}, f.category), h("td", {}, f.neutral_alternative)))) : h("p", {}, "none"),
    h("h2", {}, `Legal references (${data.legal_references.length})`),
    data.legal_references.length ? h("ul", {}, data.legal_references.map((l) => h("li", {}, `${l.instrument}${l.identifier ? " " + l.identifier : ""} (${l.kind})`))) : h("p", {}, "none"),
    h("h2", {}, `Aggregates (${data.aggregates.length})`),
    h("ul", {}, data.aggregates.map((a) => h("li", {}, `${a.period_start || "?"} – ${a.period_end || "?"}: `,
      a.casualties.map((c) => `${c.outcome} ${c.casualty_group} ${c.text}`).join("; "), ` (${a.claimed_by})`))));
  const json = h("details", { class: "json" }, h("summary", {}, "Extracted JSON (incidex/1)"), h("pre", {}, JSON.stringify(data.record, null, 2)));
  root.append(h("div", { class: "doc-layout" },
    h("section", { class: "doc-col", "aria-label": "Document text" }, h("h2", {}, "Text"), highlightedText(d.text, docMarks(data), { id: "doc-text" })),
    h("div", { class: "side-col" }, claims, json)));
  json.open = true;
}

// -- event ----------------------------------------------------------------------------------------------------

export async function eventView(root, id) {
  const e = await get("/api/events/" + encodeURIComponent(id));
  const d = e.document;
  const rerender = () => { clear(root); eventView(root, id); };
  const doc = await get("/api/documents/" + encodeURIComponent(e.document_id));
  root.append(h("h1", {}, `event:${e.id} `, typeBadge(e.event_type, e.sub_type)),
    h("p", { class: "summary" }, e.summary),
    h("dl", { class: "meta" },
      h("dt", {}, "Date"), h("dd", {}, `${rowDate(e)} (${e.date_precision}${e.date_text ? ", “" + e.date_text + "”" : ""})`),
      h("dt", {}, "Claimed by"), h("dd", {}, `${e.claimed_by} (${e.certainty})`),
      h("dt", {}, "Source"), h("dd", {}, h("a", { href: "#/document/" + e.document_id }, d.title || short(e.document_id)), ` — ${d.publisher || "?"}, stance ${d.stance}`),
      h("dt", {}, "Confidence"), h("dd", {}, String(e.confidence)),
      h("dt", {}, "Review"), h("dd", {}, status(e.review_status)),
      h("dt", {}, "Incident"), h("dd", {}, e.incident_id ? h("a", { href: "#/incident/" + e.incident_id }, e.incident_id) : "–")),
    reviewPanel(`event:${e.id}`, e.review_status, rerender));
  root.append(h("div", { class: "doc-layout" },
    h("section", { class: "doc-col", "aria-label": "Evidence in the document" }, h("h2", {}, "Evidence in the document"), legend(),
      highlightedText(d.text, docMarks(doc, e.id), { id: "event-text" })),
    h("div", { class: "side-col" },
      h("h2", {}, "Places"), table(["Name", "As written", "Country", "Lat, lon", "Precision"], e.locations.map((l) => h("tr", {},
        h("td", {}, l.name), h("td", {}, l.name_as_written), h("td", {}, l.country_code || "?"), h("td", {}, l.lat === null ? "–" : `${l.lat.toFixed(4)}, ${l.lon.toFixed(4)}`), h("td", {}, l.geo_precision)))),
      h("h2", {}, "Actors"), table(["Name", "Normalized", "Kind", "Role"], e.actors.map((a) => h("tr", {}, h("td", {}, a.name), h("td", {}, a.normalized), h("td", {}, a.kind), h("td", {}, a.role)))),
      h("h2", {}, "Casualties"), table(["Outcome", "Group", "Low", "Best", "High", "As written", "Claimed by"], e.casualties.map((c) => h("tr", {},
        h("td", {}, c.outcome), h("td", {}, c.casualty_group), h("td", {}, num(c.low)), h("td", {}, num(c.best)), h("td", {}, num(c.high)), h("td", {}, c.text), h("td", {}, c.claimed_by)))),
      h("h2", {}, "Audit trail"), auditTable(e.audit))));
  // scroll the text box (not the page) to the evidence
  const box = root.querySelector("#event-text");
  const first = box.querySelector("mark.current");
  if (first) box.scrollTop = Math.max(0, first.offsetTop - 40);  // .doc-text is the offsetParent
}

// -- incidents ------------------------------------------------------------------------------------------------

function killed(inc) {
  return inc.casualties.filter((c) => c.outcome === "killed").map((c) => `${c.group} ${num(c.low)}–${num(c.high)}`).join(", ") || "–";
}

export async function incidentsView(root) {
  root.append(h("h1", {}, "Incidents"));
  const reason = h("input", { type: "text", id: "merge-reason", placeholder: "why these are one happening" });
  const msg = h("p", { role: "status", class: "review-msg" });
  const tbody = h("tbody");
  const merge = async () => {
    const ids = [...tbody.querySelectorAll("input[type=checkbox]:checked")].map((b) => b.value);
    try {
      const out = await post("/api/incidents/merge", { incidents: ids, reason: reason.value });
      msg.textContent = "merged into " + Object.keys(out.after.incidents).join(", ");
      msg.className = "review-msg ok";
    } catch (e) {
      msg.textContent = `error [${e.code}]: ${e.message}`;
      msg.className = "review-msg error";
    }
  };
  root.append(h("div", { class: "toolbar" }, h("label", { for: "merge-reason" }, "Merge the ticked incidents, reason: "), reason,
    h("button", { type: "button", onclick: merge }, "Merge"), msg),
  h("table", { class: "list" }, h("thead", {}, h("tr", {}, ["", "Date", "Type", "Places", "Sources", "Killed (low–high)", "Disputes", "Flags"].map((x) => h("th", { scope: "col" }, x)))), tbody));
  await loadMore(root, (c) => get("/api/incidents" + qs({ cursor: c, limit: 50 })), (items) => {
    for (const i of items) {
      tbody.append(h("tr", { class: i.disputes.length ? "has-disputes" : "" },
        h("td", {}, h("input", { type: "checkbox", value: i.id, "aria-label": "select " + i.id })),
        h("td", {}, dateText(i.date)), h("td", {}, h("a", { href: "#/incident/" + i.id }, typeBadge(i.event_type, i.sub_type))),
        h("td", {}, i.locations.map((l) => l.name).join(", ")),
        h("td", {}, `${i.sources.count}: ` + Object.entries(i.sources.by_stance).map(([k, v]) => `${k} ${v}`).join(", ")),
        h("td", {}, killed(i)), h("td", {}, i.disputes.map((x) => x.field).join(", ") || "–"), h("td", {}, i.flags.join(", ") || "–")));
    }
  });
}

export async function incidentView(root, id) {
  const inc = await get("/api/incidents/" + encodeURIComponent(id));
  const rerender = () => { clear(root); incidentView(root, id); };
  const disputed = new Set(inc.disputes.map((x) => x.field));
  const evs = inc.events;
  const refOf = (e) => inc.members[`${e.document_id}:${e.id}`];
  root.append(h("h1", {}, `Incident ${inc.id} `, typeBadge(inc.event_type, inc.sub_type)),
    h("dl", { class: "meta" }, h("dt", {}, "Date"), h("dd", {}, dateText(inc.date)),
      h("dt", {}, "Places"), h("dd", {}, inc.locations.map((l) => l.name).join(", ") || "–"),
      h("dt", {}, "Sources"), h("dd", {}, `${inc.sources.count} documents: ` + Object.entries(inc.sources.by_stance).map(([k, v]) => `${k} ${v}`).join(", ")),
      h("dt", {}, "Flags"), h("dd", {}, inc.flags.length ? inc.flags.map((f) => h("span", { class: "flag" }, f)) : "–")));
  const row = (label, field, fn) => h("tr", { class: disputed.has(field) ? "disputed" : "" },
    h("th", { scope: "row" }, label, disputed.has(field) ? h("span", { class: "dispute-tag" }, " disputed") : null),
    evs.map((e) => h("td", {}, fn(e))));
  const place = (e) => e.locations.map((l) => `${l.name} (“${l.name_as_written}”)`).join("; ");
  const splitBoxes = evs.map((e) => h("input", { type: "checkbox", value: `event:${refOf(e)}`, id: "split-" + refOf(e) }));
  root.append(h("h2", {}, "Claims side by side"), h("div", { class: "scroll" }, h("table", { class: "side-by-side" },
    h("thead", {}, h("tr", {}, h("th", {}, ""), evs.map((e) => h("th", { scope: "col" }, h("a", { href: "#/document/" + e.document_id }, e.claimed_by), h("br"),
      h("span", { class: "stance" }, e.stance), " ", h("a", { href: "#/event/" + refOf(e), class: "small" }, `event:${refOf(e)}`))))),
    h("tbody", {},
      row("Stance", "stance", (e) => e.stance),
      row("Certainty", "certainty", (e) => e.certainty),
      row("Date", "date", (e) => dateText(e.date)),
      row("Place", "place", place),
      row("Type", "type", (e) => `${e.event_type}: ${e.sub_type}`),
      row("Perpetrator", "perpetrator", (e) => e.actors.filter((a) => a.role === "initiator").map((a) => a.normalized).join("; ") || "–"),
      row("Casualties", "casualties", (e) => e.casualties.map((c) => h("div", {}, `${c.outcome} ${c.group}: ${c.text} (${c.claimed_by})`))),
      row("Evidence", "evidence", (e) => e.evidence.map((s) => h("blockquote", {}, s.quote))),
      row("Review", "review", (e) => reviewPanel(`event:${refOf(e)}`, "", rerender)),
      row("Split off", "split", (e) => h("label", { for: "split-" + refOf(e) }, splitBoxes[evs.indexOf(e)], " another happening"))))));
  if (inc.casualties.length) {
    root.append(h("h2", {}, "Casualty ranges over the claims"), table(["Outcome", "Group", "Low", "Best", "High", "ACLED (conservative)", "Claims"],
      inc.casualties.map((c) => h("tr", { class: c.low !== c.high ? "disputed" : "" }, h("td", {}, c.outcome), h("td", {}, c.group), h("td", {}, num(c.low)),
        h("td", {}, num(c.best)), h("td", {}, num(c.high)), h("td", { class: "acled" }, num(c.acled_fatalities)),
        h("td", {}, c.claims.map((x) => h("div", {}, `${x.text} — ${x.claimed_by} (${x.stance}, ${x.certainty})`))))), { class: "ranges" }));
  }
  if (inc.disputes.length) {
    root.append(h("h2", {}, "Disputes"), table(["Field", "Value", "Claimed by", "Stance", "Document"],
      inc.disputes.flatMap((x) => x.values.map((v, i) => h("tr", { class: "disputed" }, h("td", {}, i === 0 ? x.field : ""), h("td", {}, String(v.value)),
        h("td", {}, v.claimed_by), h("td", {}, v.stance), h("td", {}, h("a", { href: "#/document/" + v.document_id, class: "mono" }, short(v.document_id)))))), { class: "disputes" }));
  } else root.append(h("p", {}, "No disputes: the claims agree on date, place, perpetrator, type and certainty."));
  const reason = h("input", { type: "text", id: "split-reason", placeholder: "why they are another happening" });
  const msg = h("p", { role: "status", class: "review-msg" });
  root.append(h("div", { class: "toolbar" }, h("label", { for: "split-reason" }, "Split off the ticked events, reason: "), reason,
    h("button", { type: "button", onclick: async () => {
      try {
        const out = await post(`/api/incidents/${encodeURIComponent(inc.id)}/split`, { events: splitBoxes.filter((b) => b.checked).map((b) => b.value), reason: reason.value });
        msg.textContent = "split into " + Object.keys(out.after.incidents).join(", ");
        msg.className = "review-msg ok";
      } catch (e) {
        msg.textContent = `error [${e.code}]: ${e.message}`;
        msg.className = "review-msg error";
      }
    } }, "Split"), msg));
}

// -- audit log ------------------------------------------------------------------------------------------------

const CLAIM_KIND = { events: "event", event_locations: "location", event_actors: "actor", casualties: "casualty", aggregates: "aggregate", legal_references: "legal", framing: "framing" };

function changed(a) {
  if (!a.after) return "";
  const before = a.before || {};
  return Object.keys(a.after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(a.after[k]))
    .map((k) => `${k}: ${JSON.stringify(before[k] ?? null)} → ${JSON.stringify(a.after[k])}`).join("; ");
}

function auditRow(a) {
  const kind = CLAIM_KIND[a.claim_table];
  const ref = kind && a.claim_id !== null ? `${kind}:${a.claim_id}` : a.claim_table || "";
  return h("tr", {}, h("td", {}, a.at.replace("T", " ").slice(0, 19)), h("td", {}, a.user_name), h("td", {}, a.action),
    h("td", {}, kind === "event" ? h("a", { href: "#/event/" + a.claim_id }, ref) : ref), h("td", {}, a.reason || ""), h("td", { class: "small" }, changed(a)));
}

function auditTable(items) {
  return table(["When (UTC)", "User", "Action", "Claim", "Reason", "Changes"], items.slice().reverse().map(auditRow), { class: "audit" });
}

export async function auditView(root) {
  root.append(h("h1", {}, "Audit log"), h("p", {}, "Every review decision, newest first."));
  const tbody = h("tbody");
  root.append(h("table", { class: "list audit", id: "audit" }, h("thead", {}, h("tr", {}, ["When (UTC)", "User", "Action", "Claim", "Reason", "Changes"].map((x) => h("th", { scope: "col" }, x)))), tbody));
  await loadMore(root, (c) => get("/api/audit" + qs({ cursor: c, limit: 50 })), (items) => items.forEach((a) => tbody.append(auditRow(a))));
}

// -- search ---------------------------------------------------------------------------------------------------

export async function searchView(root, q) {
  root.append(h("h1", {}, `Search: “${q}”`));
  if (!q || q.length < 2) {
    root.append(h("p", {}, "Type at least two characters."));
    return;
  }
  const docs = h("ul", { class: "results" });
  const evs = h("ul", { class: "results" });
  root.append(h("h2", {}, "Documents"), docs);
  await loadMore(root, (c) => get("/api/search" + qs({ q, kind: "documents", cursor: c })), (items) => items.forEach((r) =>
    docs.append(h("li", {}, h("a", { href: "#/document/" + r.id }, r.title || short(r.id)), ` — ${r.publisher || "?"}, ${r.published || "?"}`, h("br"), h("span", { class: "snippet" }, r.snippet)))));
  root.append(h("h2", {}, "Event claims"), evs);
  await loadMore(root, (c) => get("/api/search" + qs({ q, kind: "events", cursor: c })), (items) => items.forEach((r) =>
    evs.append(h("li", {}, h("a", { href: "#/event/" + r.id }, r.ref), " ", typeBadge(r.event_type, r.sub_type), ` ${r.date_start || "?"}`, h("br"), h("span", { class: "snippet" }, r.snippet)))));
}
