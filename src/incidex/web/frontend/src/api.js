// Talking to /api: JSON in and out, the bearer token (if the server needs one) from this tab's session only.
const TOKEN_KEY = "incidex-token";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

async function call(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && token()) headers.Authorization = "Bearer " + token();
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    throw new ApiError(res.status, (data && data.code) || "E000", (data && data.message) || res.statusText);
  }
  return data;
}

export const get = (path) => call("GET", path);

// A binary answer (the map's points, `format=binary`) as an ArrayBuffer; errors are JSON as everywhere else.
export async function getBytes(path) {
  const res = await fetch(path, { headers: { Accept: "application/octet-stream" } });
  if (!res.ok) {
    const data = await res.json().catch(() => null);
    throw new ApiError(res.status, (data && data.code) || "E000", (data && data.message) || res.statusText);
  }
  return res.arrayBuffer();
}
export const post = (path, body = {}) => call("POST", path, body);

export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === "") continue;
    if (Array.isArray(v)) v.forEach((x) => u.append(k, x));
    else u.append(k, v);
  }
  const str = u.toString();
  return str ? "?" + str : "";
}
