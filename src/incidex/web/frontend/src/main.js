// The analyst UI: a hash router over the views. No inline scripts (the CSP forbids them); every view builds
// its DOM from /api data with textContent.
import { get, token, setToken, ApiError } from "./api.js";
import { h, clear } from "./dom.js";
import { mapView } from "./mapview.js";
import { auditView, documentView, documentsView, eventView, incidentView, incidentsView, searchView } from "./views.js";

let config = null;
let cleanup = null;

async function route() {
  const main = document.getElementById("view");
  if (cleanup) { cleanup(); cleanup = null; }
  clear(main);
  delete main.dataset.ready;
  const [path, query] = (location.hash.slice(1) || "/map").split("?");
  const params = new URLSearchParams(query || "");
  const parts = path.split("/").filter(Boolean);
  for (const a of document.querySelectorAll("nav a")) {
    if (a.getAttribute("href") === "#/" + (parts[0] || "map")) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  try {
    switch (parts[0] || "map") {
      case "map": cleanup = await mapView(main, config, params); break;
      case "documents": await documentsView(main); break;
      case "document": await documentView(main, decodeURIComponent(parts[1])); break;
      case "event": await eventView(main, decodeURIComponent(parts[1])); break;
      case "incidents": await incidentsView(main); break;
      case "incident": await incidentView(main, decodeURIComponent(parts[1])); break;
      case "audit": await auditView(main); break;
      case "search": await searchView(main, params.get("q") || ""); break;
      default: main.append(h("h1", {}, "Not found"), h("p", {}, "No such view: ", path));
    }
    main.dataset.ready = "1";
  } catch (e) {
    main.append(h("p", { class: "error", role: "alert" }, e instanceof ApiError ? `error [${e.code}]: ${e.message}` : `error: ${e && e.message ? e.message : String(e)}`));
    main.dataset.error = String(e && e.stack ? e.stack : e);
    main.dataset.ready = "error";
  }
  main.focus({ preventScroll: true });
}

function tokenBox() {
  const input = h("input", { type: "password", id: "token", autocomplete: "off", placeholder: "token for writes", value: token() });
  input.addEventListener("change", () => setToken(input.value.trim()));
  return h("span", { class: "token" }, h("label", { for: "token" }, "Token "), input);
}

async function start() {
  config = await get("/api/config");
  const form = document.getElementById("search-form");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    location.hash = "#/search?q=" + encodeURIComponent(document.getElementById("search-q").value.trim());
  });
  if (config.token_required) document.getElementById("header-extra").append(tokenBox());
  window.addEventListener("hashchange", route);
  await route();
}

start();
