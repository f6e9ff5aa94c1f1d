/* CCHC Graph UI: hash-routed pages over the JSON API, plain modern JavaScript, no build step.
 *
 * Documents are user uploads, so every piece of text reaches the page through textContent or
 * createTextNode (the `el` helper below); nothing from the API is ever parsed as HTML.
 */
"use strict";

// ---------------------------------------------------------------- labels (Vietnamese first)

const AREAS = {
  "chi-dao-dieu-hanh": "Chỉ đạo, điều hành",
  "the-che": "Cải cách thể chế",
  "tthc": "Thủ tục hành chính",
  "to-chuc-bo-may": "Tổ chức bộ máy",
  "cong-vu": "Chế độ công vụ",
  "tai-chinh-cong": "Tài chính công",
  "chinh-quyen-so": "Chính quyền điện tử, số",
  "tac-dong": "Tác động của CCHC",
};
const KINDS = {
  "ke-hoach": "Kế hoạch", "cong-van": "Công văn", "quyet-dinh": "Quyết định", "bao-cao": "Báo cáo",
  "thong-bao": "Thông báo", "chi-thi": "Chỉ thị", "nghi-quyet": "Nghị quyết", "nghi-dinh": "Nghị định",
  "thong-tu": "Thông tư", "luat": "Luật", "huong-dan": "Hướng dẫn", "to-trinh": "Tờ trình",
};
const CHUNK_KINDS = { section: "Đoạn văn", task: "Nhiệm vụ", target: "Chỉ tiêu" };
const SPAN_KINDS = [
  ["citation", "Trích dẫn", "Citation"],
  ["unit", "Đơn vị", "Unit"],
  ["task", "Nhiệm vụ", "Task"],
  ["target", "Chỉ tiêu", "Target"],
];
const EDGE_KINDS = [
  ["cites", "Trích dẫn", "cites", "#1f5fbf"],
  ["lead", "Chủ trì", "lead", "#b3261e"],
  ["cooperate", "Phối hợp", "cooperate", "#25883d"],
  ["part_of", "Thuộc văn bản", "part of", "#b8c0cc"],
];
const PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324",
  "#469990", "#808000", "#000075", "#e6beff", "#aaffc3", "#ffd8b1", "#fabed4", "#bfef45"];
const NATIONAL = "#9aa3b2";

const RELATIONS = {
  can_cu: "căn cứ", thuc_hien: "thực hiện", sua_doi_bo_sung: "sửa đổi, bổ sung", thay_the: "thay thế",
  bai_bo: "bãi bỏ", huong_dan: "hướng dẫn", mention: "nhắc đến",
};
const COMPARATORS = { ">=": "≥", "<=": "≤", "=": "", ">": ">", "<": "<" };
const areaLabel = (slug) => (slug ? AREAS[slug] || slug : "—");
const kindLabel = (slug) => (slug ? KINDS[slug] || slug : "—");

// ---------------------------------------------------------------- DOM helpers (text only)

/** Build an element; string children become text nodes, attributes are set as properties or attributes. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "style") node.setAttribute("style", value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const bi = (vi, en) => [vi, " ", el("span", { class: "en" }, en)];
const view = () => document.getElementById("view");

function show(...children) {
  const root = view();
  root.replaceChildren();
  append(root, children);
  window.scrollTo(0, 0);
}

function errorBox(err) {
  const e = err && err.error ? err.error : { status: "", code: "error", message: String(err && err.message || err) };
  return el("div", { class: "error", role: "alert" }, `Lỗi ${e.status || ""} (${e.code}): ${e.message}`);
}

// ---------------------------------------------------------------- API

class ApiError extends Error {
  constructor(body) {
    super(body && body.error ? body.error.message : "request failed");
    this.error = body && body.error ? body.error : { status: 0, code: "network", message: this.message };
  }
}

/** GET a JSON resource; params with empty values are dropped. Failures raise the API's error shape. */
async function api(path, params) {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && String(v) !== "") url.searchParams.set(k, v);
  }
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" } });
  } catch (err) {
    throw new ApiError({ error: { status: 0, code: "network", message: String(err) } });
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(body && body.error ? body : { error: { status: response.status, code: "http", message: response.statusText } });
  }
  return body;
}

/** A list out of a bare array or a paged/wrapped one ({items|hits|results|data: [...]}). */
function asList(body, ...keys) {
  if (Array.isArray(body)) return body;
  for (const key of [...keys, "items", "hits", "results", "data"]) {
    if (body && Array.isArray(body[key])) return body[key];
  }
  return [];
}

const BASE = "https://w3id.org/vn-cchc/";

/** The id a document is addressed by in the API (`/documents/{id}`: the path under …/doc/), from an id or IRI. */
function docId(doc) {
  if (!doc) return "";
  const raw = typeof doc === "string" ? doc : doc.id || doc.document_id || doc.iri || doc.document || "";
  return raw.startsWith(`${BASE}doc/`) ? decodeURIComponent(raw.slice(BASE.length + 4)) : raw;
}

/** A graph node id (`doc/…`, `org/…`, `task/…`): the IRI's path under the base. */
function nodeId(iriOrId) {
  return iriOrId.startsWith(BASE) ? decodeURIComponent(iriOrId.slice(BASE.length)) : iriOrId;
}

const enc = encodeURIComponent;
const docHref = (id, start, end) =>
  `#/doc/${enc(docId(id))}` + (start !== undefined && start !== null ? `?start=${start}&end=${end}` : "");
const graphHref = (node) => `#/graph/${enc(node)}`;
const docGraphHref = (doc) => graphHref(`doc/${docId(doc)}`);

let documentsCache = null;
/** Every document (all pages), fetched once per page load; used for filters, pickers and titles. */
async function allDocuments() {
  if (documentsCache) return documentsCache;
  const out = [];
  for (let page = 1; page < 1000; page++) {
    const body = await api("/documents", { page, per_page: 100 });
    const items = asList(body, "documents");
    out.push(...items);
    const total = body && typeof body.total === "number" ? body.total : null;
    if (Array.isArray(body) || items.length === 0 || (total !== null ? out.length >= total : items.length < 100)) break;
  }
  documentsCache = out;
  return out;
}

function docTitle(doc) {
  return doc.title || doc.notation || (doc.source || "").split("/").pop() || docId(doc);
}

function provinceOf(scope) {
  if (!scope) return null;
  const parts = String(scope).replace(/^.*place\//, "").split(".");
  return parts.length >= 2 ? `${parts[0]}.${parts[1]}` : null;
}

function provinceSlug(scope) {
  const p = provinceOf(scope);
  return p ? p.split(".")[1] : null;
}

// ---------------------------------------------------------------- text matching

/** Lower case without diacritics (đ → d): how a query without accents still highlights Vietnamese words. */
function fold(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Spans [start, end) of the words in `text` a query word matches: a word typed with its diacritics matches
 * only itself (case aside), one typed without matches every accented form ("ho so" → "hồ sơ"). */
function matchedWords(text, query) {
  const words = (query.match(WORD) || []).filter((w) => w.length > 1 || /\d/.test(w)).map((w) => w.toLowerCase());
  const exact = new Set(words.filter((w) => fold(w) !== w));
  const loose = new Set(words.filter((w) => fold(w) === w));
  const spans = [];
  for (const m of text.matchAll(WORD)) {
    const word = m[0].toLowerCase();
    if (exact.has(word) || loose.has(fold(word))) spans.push([m.index, m.index + m[0].length]);
  }
  return spans;
}

/** `text` as nodes with each [start, end) span wrapped in <mark>. */
function markSpans(text, spans) {
  const out = [];
  let at = 0;
  for (const [s, e] of spans) {
    if (s < at) continue;
    out.push(text.slice(at, s), el("mark", { class: "hit" }, text.slice(s, e)));
    at = e;
  }
  out.push(text.slice(at));
  return out;
}

// ---------------------------------------------------------------- search page

async function searchPage(params) {
  const q = params.get("q") || "";
  const form = el("form", { class: "search card", role: "search" });
  const input = el("input", { type: "search", name: "q", value: q, placeholder: "Ví dụ: NĐ 107/2020, ai chủ trì số hóa hồ sơ?",
    "aria-label": "Câu hỏi / Query", autofocus: true });
  const province = el("select", { name: "province" }, el("option", { value: "" }, "Tất cả tỉnh"));
  const docKinds = el("optgroup", { label: "Loại văn bản" });
  const kind = el("select", { name: "kind" }, el("option", { value: "" }, "Tất cả loại"),
    el("optgroup", { label: "Loại đoạn" }, Object.entries(CHUNK_KINDS).map(([k, label]) => el("option", { value: k }, label))), docKinds);
  const area = el("select", { name: "area" }, el("option", { value: "" }, "Tất cả lĩnh vực"),
    Object.entries(AREAS).map(([slug, label]) => el("option", { value: slug }, label)));
  const yearFrom = el("input", { type: "number", name: "year_from", min: 1990, max: 2100, value: params.get("year_from") || "" });
  const yearTo = el("input", { type: "number", name: "year_to", min: 1990, max: 2100, value: params.get("year_to") || "" });
  append(form, [
    el("div", { class: "q" }, input, el("button", { type: "submit" }, "Tìm", " ", el("span", { class: "en" }, "Search"))),
    el("div", { class: "filters" },
      el("label", { class: "field" }, bi("Tỉnh", "Province"), province),
      el("label", { class: "field" }, bi("Từ năm", "From year"), yearFrom),
      el("label", { class: "field" }, bi("Đến năm", "To year"), yearTo),
      el("label", { class: "field" }, bi("Loại văn bản", "Kind"), kind),
      el("label", { class: "field" }, bi("Lĩnh vực CCHC", "Reform area"), area)),
  ]);
  area.value = params.get("area") || "";
  const results = el("div", { id: "results" });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const field of [input, province, yearFrom, yearTo, kind, area]) {
      if (field.value.trim()) next.set(field.name, field.value.trim());
    }
    navigate(`#/search?${next}`);
  });
  show(el("h1", {}, bi("Tìm kiếm văn bản CCHC", "Search")), form, results);

  allDocuments().then((docs) => {
    const provinces = new Map();
    const kinds = new Set();
    for (const d of docs) {
      const slug = provinceSlug(d.scope);
      if (slug) provinces.set(slug, slug);
      if (d.kind) kinds.add(d.kind);
    }
    // The search index compares names without case or diacritics: "soc trang" finds "Sóc Trăng".
    for (const [slug, name] of [...provinces].sort()) province.append(el("option", { value: slug.replace(/-/g, " ") }, name));
    for (const k of [...kinds].sort()) docKinds.append(el("option", { value: KINDS[k] || k.replace(/-/g, " ") }, kindLabel(k)));
    province.value = params.get("province") || "";
    kind.value = params.get("kind") || "";
  }).catch(() => { /* the filters stay open-ended when the list is unavailable */ });

  if (!q) {
    results.append(el("p", { class: "muted" }, "Nhập câu hỏi hoặc số hiệu văn bản. ",
      el("span", { class: "en" }, "Type a question or a document number.")));
    return;
  }
  results.append(el("p", { class: "loading" }, "Đang tìm…"));
  const query = { q, k: 20 };
  for (const key of ["province", "year_from", "year_to", "kind", "area", "unit", "mode"]) query[key] = params.get(key);
  try {
    const [body, docs] = await Promise.all([api("/search", query), allDocuments().catch(() => [])]);
    const byId = new Map(docs.map((d) => [d.id, d]));
    const hits = asList(body, "hits");
    results.replaceChildren(el("p", { class: "muted", id: "hit-count" }, `${hits.length} kết quả `, el("span", { class: "en" }, "results"),
      body.read_as ? el("span", { id: "read-as" }, ` — đã đọc là “${body.read_as}”`) : null));
    if (!hits.length) return;
    results.append(el("ol", { class: "hits" }, hits.map((hit) => hitItem(hit, q, byId.get(docId(hit.document_id || hit.document))))));
  } catch (err) {
    results.replaceChildren(errorBox(err));
  }
}

function hitItem(hit, q, doc) {
  const text = hit.text || "";
  const title = (doc && doc.title) || (hit.source || "").split("/").pop();
  const spans = Array.isArray(hit.highlights) && hit.highlights.length ? hit.highlights : matchedWords(text, q);
  const meta = [(hit.source || "").split("/").pop(), hit.province, hit.year, kindLabel(hit.doc_kind), hit.area && areaLabel(hit.area),
    typeof hit.score === "number" ? `điểm ${hit.score.toFixed(3)}` : null].filter(Boolean).join(" · ");
  return el("li", { class: "hit" },
    el("a", { class: "title", href: docHref(hit.document_id || hit.document, hit.start, hit.end) }, title),
    hit.kind ? el("span", { class: "badge" }, CHUNK_KINDS[hit.kind] || hit.kind) : null,
    hit.why === "graph" ? el("span", { class: "badge", title: "the query names a document it cites" }, "trích dẫn văn bản được hỏi") : null,
    hit.section ? el("span", { class: "muted small" }, ` mục ${hit.section}`) : null,
    el("div", { class: "snippet" }, markSpans(text, spans)),
    el("div", { class: "meta" }, meta));
}

// ---------------------------------------------------------------- document list

async function documentsPage() {
  show(el("h1", {}, bi("Văn bản", "Documents")), el("p", { class: "loading" }, "Đang tải…"));
  try {
    const docs = await allDocuments();
    const rows = docs.map((d) => el("tr", {},
      el("td", {}, el("a", { href: docHref(d) }, docTitle(d))),
      el("td", {}, kindLabel(d.kind)),
      el("td", {}, d.date || "—"),
      el("td", {}, d.scope || "—"),
      el("td", {}, d.issuer || "—"),
      el("td", { class: "small muted" }, d.source || ""),
      el("td", {}, el("a", { href: docGraphHref(d) }, "Đồ thị"))));
    show(el("h1", {}, bi("Văn bản", "Documents")),
      el("table", { class: "grid" },
        el("thead", {}, el("tr", {}, ["Tiêu đề", "Loại", "Ngày", "Địa bàn", "Cơ quan ban hành", "Tệp", ""].map((h) => el("th", {}, h)))),
        el("tbody", {}, rows)));
  } catch (err) {
    show(el("h1", {}, bi("Văn bản", "Documents")), errorBox(err));
  }
}

// ---------------------------------------------------------------- document view

/** Spans of a document response grouped as [{kind, start, end, label}], whatever the grouping on the wire. */
function documentSpans(doc) {
  const out = [];
  const add = (kind, items) => {
    for (const s of items || []) {
      if (typeof s.start === "number" && typeof s.end === "number" && s.end > s.start) {
        out.push({ kind: s.kind && SPAN_KINDS.some(([k]) => k === s.kind) ? s.kind : kind, start: s.start, end: s.end,
          label: s.label || s.name || s.text || "" });
      }
    }
  };
  const spans = doc.spans;
  if (Array.isArray(spans)) add(null, spans);
  else if (spans && typeof spans === "object") {
    for (const [kind] of SPAN_KINDS) add(kind, spans[kind] || spans[`${kind}s`]);
  }
  return out.filter((s) => s.kind);
}

/** The text as nodes, every maximal run with the same covering spans in one element carrying their classes. */
function highlightedText(text, spans, focus) {
  const cuts = new Set([0, text.length]);
  const all = spans.map((s) => ({ ...s, start: Math.max(0, s.start), end: Math.min(text.length, s.end) }));
  if (focus) all.push({ kind: "focus", start: Math.max(0, focus[0]), end: Math.min(text.length, focus[1]) });
  for (const s of all) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const startsAt = new Map();
  for (const s of all) {
    if (!startsAt.has(s.start)) startsAt.set(s.start, []);
    startsAt.get(s.start).push(s);
  }
  const active = [];
  const nodes = [];
  let focusPlaced = false;
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    active.push(...(startsAt.get(a) || []));
    for (let j = active.length - 1; j >= 0; j--) if (active[j].end <= a) active.splice(j, 1);
    const piece = text.slice(a, b);
    if (!active.length) { nodes.push(piece); continue; }
    const kinds = [...new Set(active.map((s) => s.kind))];
    const node = el("span", { class: kinds.map((k) => `hl-${k}`).join(" "),
      title: active.filter((s) => s.kind !== "focus").map((s) => `${labelOf(s.kind)}: ${s.label}`).join("\n") || null });
    node.textContent = piece;
    node.dataset.at = String(a);
    if (!focusPlaced && active.some((s) => s.kind === "focus")) { node.id = "focus"; focusPlaced = true; }
    nodes.push(node);
  }
  return nodes;
}

function labelOf(kind) {
  const found = SPAN_KINDS.find(([k]) => k === kind);
  return found ? found[1] : kind;
}

/** Mark the span [start, end) as the one in focus and scroll to it (a span may be cut in several runs). */
function jumpTo(start, end) {
  document.querySelectorAll("#doc-text .hl-focus").forEach((n) => n.classList.remove("hl-focus"));
  const runs = [...document.querySelectorAll("#doc-text [data-at]")].filter((n) => {
    const at = Number(n.dataset.at);
    return at >= start && at < end;
  });
  runs.forEach((n) => n.classList.add("hl-focus"));
  if (runs.length) runs[0].scrollIntoView({ block: "center" });
}

function flagBadges(flags) {
  return (flags || []).map((f) => el("span", { class: "badge warn", title: "Cảnh báo / warning" }, `⚠ ${f}`));
}

async function docPage(id, params) {
  show(el("p", { class: "loading" }, "Đang tải văn bản…"));
  let detail;
  try {
    detail = await api(`/documents/${enc(id)}`);
  } catch (err) {
    show(el("h1", {}, bi("Văn bản", "Document")), errorBox(err));
    return;
  }
  const doc = detail.document || detail;
  const text = detail.text || "";
  const spans = documentSpans(detail);
  const cited = params.get("citation") ? asList(detail.cites).find((c) => c.citation === params.get("citation")) : null;
  const start = cited ? cited.start : Number.parseInt(params.get("start"), 10);
  const end = cited ? cited.end : Number.parseInt(params.get("end"), 10);
  const focus = Number.isFinite(start) && Number.isFinite(end) && end > start ? [start, end] : null;

  const body = el("div", { class: "doc-text", id: "doc-text", lang: "vi" }, highlightedText(text, spans, focus));
  const counts = Object.fromEntries(SPAN_KINDS.map(([k]) => [k, spans.filter((s) => s.kind === k).length]));
  const legend = el("div", { class: "legend", id: "legend" }, SPAN_KINDS.map(([k, vi, en]) => {
    const box = el("input", { type: "checkbox", checked: true, onchange: (e) => body.classList.toggle(`hide-${k}`, !e.target.checked) });
    return el("label", {}, box, " ", el("span", { class: `swatch hl-${k}` }), `${vi} `, el("span", { class: "en" }, en), ` (${counts[k]})`);
  }));

  const meta = [["Loại", kindLabel(doc.kind)], ["Ngày", doc.date], ["Năm kế hoạch", doc.year],
    ["Địa bàn", doc.scope], ["Cơ quan", doc.issuer], ["Ký", [doc.signing_mode, doc.signer_title, doc.signer].filter(Boolean).join(" ")],
    ["Tệp", doc.source]].filter(([, v]) => v);
  const cites = asList(detail.cites);
  const citedBy = asList(detail.cited_by);

  const side = el("aside", { class: "doc-side" },
    el("section", { class: "card doc-meta" },
      el("dl", {}, meta.map(([k, v]) => [el("dt", {}, k), el("dd", {}, String(v))])),
      detail.text_available === false ? el("p", { class: "error small" }, "Không đọc được tệp gốc; chỉ có siêu dữ liệu. (source file not readable)") : null,
      el("p", { class: "small" }, el("a", { href: docGraphHref(doc.id || id) }, "Xem trên đồ thị → ", el("span", { class: "en" }, "graph")))),
    el("section", { class: "card" }, el("h3", {}, bi("Chú giải", "Legend")), legend),
    el("section", { class: "card", id: "cites" },
      el("h3", {}, bi(`Văn bản này trích dẫn (${cites.length})`, "Cites")),
      cites.length ? el("ul", { class: "refs" }, cites.map(citationItem)) : el("p", { class: "muted small" }, "Không có")),
    el("section", { class: "card", id: "cited-by" },
      el("h3", {}, bi(`Được trích dẫn bởi (${citedBy.length})`, "Cited by")),
      citedBy.length ? el("ul", { class: "refs" }, citedBy.map(citedByItem)) : el("p", { class: "muted small" }, "Chưa có văn bản nào trong kho trích dẫn văn bản này")));

  show(el("h1", {}, doc.title || docTitle(doc)), el("div", { class: "doc-layout" }, body, side));
  const target = document.getElementById("focus");
  if (target) requestAnimationFrame(() => target.scrollIntoView({ block: "center" }));
}

function citationItem(c) {
  const flags = c.flags || [];
  const workId = c.work_id || (c.work ? docId(c.work) : null);
  return el("li", { class: flags.length ? "flagged" : "" },
    el("a", { class: "jump", href: "#", role: "button", onclick: (e) => { e.preventDefault(); jumpTo(c.start, c.end); } }, c.text || c.notation || workId),
    " ", el("span", { class: "cue" }, cueText(c)),
    c.date ? el("span", { class: "muted small" }, ` (${c.date})`) : null,
    flags.length ? el("div", {}, flagBadges(flags)) : null,
    workId ? el("div", { class: "small" }, el("a", { href: graphHref(`doc/${workId}`) }, "đồ thị"), " · ",
      el("a", { href: `#/search?q=${enc(c.notation || c.text || "")}` }, "văn bản khác trích dẫn")) : null);
}

/** "Căn cứ" as written, and the relation when it says more than the cue. */
function cueText(c) {
  const relation = RELATIONS[c.relation] || c.relation || "";
  if (!c.cue) return relation;
  return fold(c.cue).includes(fold(relation)) ? c.cue : `${c.cue} · ${relation}`;
}

function citedByItem(entry) {
  const doc = entry.document || {};
  const cits = asList(entry.citations);
  const first = cits[0];
  return el("li", {},
    el("a", { href: docHref(doc.id || doc.iri, first && first.start, first && first.end) }, doc.title || (entry.source || "").split("/").pop() || docId(doc)),
    entry.source ? el("div", { class: "muted small" }, entry.source) : null,
    cits.map((c) => el("div", { class: "small" }, el("span", { class: "cue" }, cueText(c)), " ", c.text || "", flagBadges(c.flags))));
}

// ---------------------------------------------------------------- graph explorer

const provinceColours = new Map();
function provinceColour(province) {
  if (!province) return NATIONAL;
  if (!provinceColours.has(province)) provinceColours.set(province, PALETTE[provinceColours.size % PALETTE.length]);
  return provinceColours.get(province);
}


/** Cytoscape elements out of the API's graph JSON ({elements: {nodes, edges}} or {elements: [...]} or [...]). */
function graphElements(body) {
  const raw = Array.isArray(body) ? body : body.elements || body;
  const list = Array.isArray(raw) ? raw : [...(raw.nodes || []), ...(raw.edges || [])];
  return list.map((item) => {
    const data = { ...(item.data || item) };
    const isEdge = data.source !== undefined && data.target !== undefined;
    if (isEdge) {
      data.edgeKind = data.kind || "cites";
      // Edge ids in an answer are only unique within it: one made of its ends lets expansions merge.
      data.id = `${data.source}|${data.target}|${data.edgeKind}|${data.relation || ""}`;
      return { group: "edges", data };
    }
    if (data.scope) data.scope = String(data.scope).replace(/^.*\/place\//, "");  // a unit's scope may come as a place IRI
    const province = provinceSlug(data.scope) || (data.scope ? null : data.province);
    data.label = String(data.label || data.name || data.title || data.id).slice(0, 60);
    data.colour = provinceColour(province);
    data.provinceKey = province || "";
    data.nodeKind = data.kind || "";
    return { group: "nodes", data };
  });
}

let cy = null;

async function graphPage(node) {
  const input = el("input", { type: "text", name: "node", value: node || "", placeholder: "NĐ 107/2020, vn.vinh-long/so-noi-vu, id văn bản…" });
  const depth = el("select", { name: "depth" }, [1, 2, 3].map((d) => el("option", { value: d }, `độ sâu ${d}`)));
  const form = el("form", { onsubmit: (e) => { e.preventDefault(); if (input.value.trim()) navigate(graphHref(input.value.trim())); } },
    input, depth, el("button", { type: "submit" }, "Xem"));
  const filters = el("div", { class: "legend", id: "edge-filters" }, EDGE_KINDS.map(([k, vi, en, colour]) =>
    el("label", {}, el("input", { type: "checkbox", checked: true, value: k, onchange: applyEdgeFilter }), " ",
      el("span", { class: "swatch", style: `background:${colour}` }), `${vi} `, el("span", { class: "en" }, en))));
  const container = el("div", { id: "cy", role: "img", "aria-label": "Đồ thị / graph" });
  const info = el("div", { class: "graph-info card", id: "graph-info" }, el("p", { class: "muted" },
    "Bấm vào một nút để mở rộng các nút kề. ", el("span", { class: "en" }, "Click a node to expand its neighbours.")));
  const provinces = el("div", { class: "legend", id: "province-legend" });
  const status = el("p", { class: "muted small", id: "graph-status" });
  show(el("h1", {}, bi("Đồ thị trích dẫn và trách nhiệm", "Graph explorer")),
    el("div", { class: "graph-bar" }, form, filters),
    el("div", { class: "graph-layout" }, container, el("div", { class: "graph-info" }, info, el("div", { class: "card" },
      el("h3", {}, bi("Tỉnh", "Province")), provinces), status)));

  if (!node) {
    const docs = await allDocuments().catch(() => []);
    info.append(el("h3", {}, bi("Bắt đầu từ một văn bản", "Start from a document")),
      el("ul", {}, docs.map((d) => el("li", {}, el("a", { href: graphHref(docId(d)) }, docTitle(d))))));
    return;
  }
  if (typeof window.cytoscape !== "function") {
    container.replaceChildren(errorBox({ error: { status: "", code: "vendor", message: "cytoscape.min.js chưa tải được" } }));
    return;
  }
  let body;
  try {
    body = await api("/graph", { node, depth: depth.value });
  } catch (err) {
    container.replaceChildren(errorBox(err));
    return;
  }
  const elements = graphElements(body);
  cy = window.cytoscape({
    container,
    elements,
    minZoom: 0.1,
    maxZoom: 2.5,
    style: [
      { selector: "node", style: { "background-color": "data(colour)", label: "data(label)", "font-size": 9,
        "text-wrap": "ellipsis", "text-max-width": 140, color: "#1d2330", width: 18, height: 18,
        "text-valign": "bottom", "text-margin-y": 3 } },
      { selector: "node[nodeKind = 'document'], node[nodeKind = 'plan']", style: { shape: "round-rectangle", width: 26, height: 20 } },
      { selector: "node[nodeKind = 'work']", style: { shape: "rectangle" } },
      { selector: "node[nodeKind = 'task']", style: { shape: "diamond", width: 12, height: 12, "text-opacity": 0 } },
      { selector: "node[nodeKind = 'unit']", style: { shape: "ellipse" } },
      { selector: "node:selected", style: { "text-opacity": 1, "font-weight": "bold", "z-index": 10 } },
      { selector: "node.centre", style: { "border-width": 3, "border-color": "#1d2330", width: 30, height: 30 } },
      { selector: "node.expanded", style: { "border-width": 2, "border-color": "#667085" } },
      { selector: "edge", style: { width: 1.4, "curve-style": "bezier", "target-arrow-shape": "triangle", "arrow-scale": 0.7 } },
      ...EDGE_KINDS.map(([k, , , colour]) => ({ selector: `edge[edgeKind = '${k}']`, style: { "line-color": colour, "target-arrow-color": colour } })),
      { selector: ".filtered", style: { display: "none" } },
    ],
    layout: { name: "cose", animate: false, randomize: true, nodeRepulsion: 12000, idealEdgeLength: 90, nodeOverlap: 12 },
  });
  const centre = cy.nodes().filter((n) => n.id() === body.center || n.id() === node);
  (centre.length ? centre : cy.nodes().slice(0, 1)).addClass("centre expanded");
  cy.on("tap", "node", (event) => expandNode(event.target));
  applyEdgeFilter();
  refreshProvinceLegend();
  describeNode(centre.length ? centre[0] : cy.nodes()[0]);
}

async function expandNode(target) {
  describeNode(target);
  const status = document.getElementById("graph-status");
  if (target.hasClass("expanded")) return;
  status.textContent = "Đang mở rộng…";
  status.dataset.busy = "1";
  try {
    const body = await api("/graph", { node: target.id(), depth: 1 });
    const fresh = graphElements(body).filter((item) => cy.getElementById(item.data.id).empty());
    const added = cy.add(fresh.filter((item) => item.group === "nodes"));
    const known = (id) => cy.getElementById(id).nonempty();
    added.merge(cy.add(fresh.filter((item) => item.group === "edges" && known(item.data.source) && known(item.data.target))));
    target.addClass("expanded");
    if (added.nonempty()) cy.layout({ name: "cose", animate: false, randomize: false, nodeRepulsion: 12000, idealEdgeLength: 90, nodeOverlap: 12 }).run();
    applyEdgeFilter();
    refreshProvinceLegend();
    describeNode(target);
    status.textContent = `+${added.nodes().length} nút, +${added.edges().length} cạnh (${cy.nodes().length} nút)`;
  } catch (err) {
    status.textContent = `Lỗi: ${err.message}`;
  } finally {
    status.dataset.busy = "0";
  }
}

function describeNode(node) {
  const info = document.getElementById("graph-info");
  if (!info || !node) return;
  const d = node.data();
  const links = [];
  if (d.nodeKind === "document") links.push(el("a", { href: docHref(d.document_id) }, "Mở văn bản →"));
  if (d.nodeKind === "work" || d.nodeKind === "document") {
    links.push(" ", el("a", { href: `#/search?q=${enc(d.label)}` }, "Tìm văn bản trích dẫn →"));
  }
  if (d.nodeKind === "task") {
    const plan = node.outgoers("node[nodeKind = 'document']");
    if (plan.nonempty()) links.push(el("a", { href: docHref(plan[0].data("document_id")) }, "Mở kế hoạch →"));
  }
  info.replaceChildren();
  append(info, [el("h3", {}, d.label),
    el("dl", { class: "small" }, [["nodeKind", "loại"], ["scope", "địa bàn"], ["area", "lĩnh vực"], ["id", "id"]].filter(([k]) => d[k])
      .map(([k, name]) => [el("dt", {}, name), el("dd", {}, k === "area" ? areaLabel(d[k]) : String(d[k]))])),
    el("p", { class: "small" }, `${node.degree()} cạnh`, " ", el("span", { class: "en" }, "edges")), el("p", { class: "small" }, links)]);
}

function applyEdgeFilter() {
  if (!cy) return;
  const on = new Set([...document.querySelectorAll("#edge-filters input:checked")].map((i) => i.value));
  cy.batch(() => {
    cy.edges().forEach((e) => e.toggleClass("filtered", !on.has(e.data("edgeKind"))));
    cy.nodes().forEach((n) => n.toggleClass("filtered", !n.hasClass("centre") && n.connectedEdges(":visible").empty() && n.connectedEdges().nonempty()));
  });
}

function refreshProvinceLegend() {
  const box = document.getElementById("province-legend");
  if (!box || !cy) return;
  cy.container().dataset.nodes = String(cy.nodes().length);
  cy.container().dataset.edges = String(cy.edges().length);
  const seen = new Set(cy.nodes().map((n) => n.data("provinceKey")));
  box.replaceChildren(...[...seen].sort().map((p) => el("span", {}, el("span", { class: "dot", style: `background:${provinceColour(p || null)}` }),
    p || "Trung ương / national")));
}

/** What a browser test needs to click nodes (positions relative to the graph container) and check filters. */
window.cchcGraph = {
  unexpandedPositions: () => (cy ? cy.nodes(":visible").not(".expanded").map((n) => [n.renderedPosition("x"), n.renderedPosition("y")]) : []),
  visibleEdges: (kind) => (cy ? cy.edges(":visible").filter((e) => !kind || e.data("edgeKind") === kind).length : 0),
};

// ---------------------------------------------------------------- comparison

async function comparePage(params) {
  const chosen = (params.get("docs") || "").split(",").map((s) => s.trim()).filter(Boolean);
  const picker = el("form", { class: "card", id: "compare-form" });
  show(el("h1", {}, bi("So sánh kế hoạch", "Compare plans")), picker, el("div", { id: "compare-result" }));
  const docs = await allDocuments().catch(() => []);
  const boxes = docs.map((d) => el("label", {}, el("input", { type: "checkbox", name: "docs", value: docId(d), checked: chosen.includes(docId(d)) }),
    " ", docTitle(d), " ", el("span", { class: "muted small" }, `${kindLabel(d.kind)} · ${d.scope || ""} · ${(d.source || "").split("/").pop()}`)));
  append(picker, [el("p", {}, "Chọn từ hai kế hoạch trở lên ", el("span", { class: "en" }, "pick two or more plans")),
    el("div", { class: "plan-pick" }, boxes),
    el("button", { type: "submit" }, "So sánh", " ", el("span", { class: "en" }, "Compare"))]);
  picker.addEventListener("submit", (event) => {
    event.preventDefault();
    const ids = [...picker.querySelectorAll("input[name=docs]:checked")].map((i) => i.value);
    navigate(`#/compare?docs=${ids.map(enc).join(",")}`);
  });
  append(document.getElementById("compare-result").parentNode, [throughTimeForm(params)]);
  if (chosen.length < 2) return;
  const out = document.getElementById("compare-result");
  out.append(el("p", { class: "loading" }, "Đang so sánh…"));
  try {
    const body = await api("/compare", { docs: chosen.join(",") });
    out.replaceChildren(compareTable(body));
  } catch (err) {
    out.replaceChildren(errorBox(err));
    return;
  }
  if (chosen.length !== 2) return;
  const section = el("section", { class: "card", id: "alignment" }, el("h2", {}, bi("Đối chiếu nhiệm vụ", "Task alignment")),
    el("p", { class: "loading" }, "Đang đối chiếu…"));
  out.append(section);
  try {
    section.replaceChildren(...alignmentView(await api("/align", { a: chosen[0], b: chosen[1] }), chosen));
  } catch (err) {
    section.replaceChildren(errorBox(err));
  }
}

const PAIR_STATUS = { matched: ["Khớp", "matched", ""], changed: ["Thay đổi", "changed", "warn"] };
const CHANGE_LABELS = { lead: "đơn vị chủ trì", deadline: "thời hạn" };

/** Two plans' tasks side by side: each pair (matched, or changed with what changed), then each plan's unmatched tasks. */
function alignmentView(body, chosen) {
  const c = body.counts || {};
  const link = (fmt) => `/align${fmt === "csv" ? ".csv" : ""}?a=${enc(chosen[0])}&b=${enc(chosen[1])}`;
  const side = (t) => el("td", {}, el("div", {}, t.number ? `${t.number} ` : "", t.text),
    el("div", { class: "muted small" }, `${(t.lead || []).join(", ") || "—"} · ${t.deadline || "—"}`));
  const rows = (body.pairs || []).map((p) => el("tr", { class: `pair ${p.status}` },
    el("td", {}, el("span", { class: `badge ${PAIR_STATUS[p.status][2]}` }, PAIR_STATUS[p.status][0]),
      el("div", { class: "muted small" }, p.changes.map((x) => CHANGE_LABELS[x] || x).join(", "))),
    el("td", { class: "num" }, p.score.toFixed(2)), side(p.a), side(p.b)));
  const only = (items, heading, id) => el("div", { id }, el("h3", {}, heading, ` (${items.length})`),
    items.length ? el("ul", {}, items.map((t) => el("li", {}, t.text, " ", el("span", { class: "muted small" }, (t.lead || []).join(", "))))) : el("p", { class: "muted" }, "—"));
  return [
    el("h2", {}, bi("Đối chiếu nhiệm vụ", "Task alignment")),
    el("p", { class: "muted" }, `${c.matched} khớp · ${c.changed} thay đổi · ${c.only_a} chỉ ở kế hoạch 1 · ${c.only_b} chỉ ở kế hoạch 2 `,
      el("span", { class: "en" }, "matched · changed · only in plan 1 · only in plan 2"), " — ",
      el("a", { href: link("csv"), download: "alignment.csv", id: "alignment-csv" }, "CSV"), " · ",
      el("a", { href: link("json"), id: "alignment-json" }, "JSON")),
    el("table", { class: "grid", id: "alignment-table" },
      el("thead", {}, el("tr", {}, ["", "Điểm", docTitle(body.a), docTitle(body.b)].map((h) => el("th", {}, h)))),
      el("tbody", {}, rows)),
    el("div", { class: "unmatched" }, only(body.only_a || [], `Chỉ ở ${docTitle(body.a)}`, "alignment-only-a"),
      only(body.only_b || [], `Chỉ ở ${docTitle(body.b)}`, "alignment-only-b")),
  ];
}

function compareTable(body) {
  const plans = asList(body, "plans");
  const areas = [];
  for (const p of plans) {
    for (const a of [...(p.task_areas || []), ...(p.targets || [])]) if (!areas.includes(a.area || null)) areas.push(a.area || null);
  }
  const order = Object.keys(AREAS);
  const rank = (a) => (a === null ? order.length + 1 : order.includes(a) ? order.indexOf(a) : order.length);
  areas.sort((a, b) => rank(a) - rank(b));
  const cell = (children) => el("td", {}, children);
  const row = (heading, fn, cls) => el("tr", { class: cls || null }, el("th", { scope: "row" }, heading), plans.map((p) => cell(fn(p))));
  // A plan of a former province (Sóc Trăng before 1/7/2025) says which province it belongs to now.
  const places = new Map((body.places || []).map((pl) => [pl.scope, pl]));
  const now = (p) => {
    const pl = places.get((p.scope || "").split(".").slice(0, 2).join("."));
    if (!pl) return "—";
    return pl.current ? pl.part_of : `${pl.province} (cũ) → ${pl.part_of} từ ${pl.since || "?"}`;
  };
  const rows = [
    row(bi("Địa bàn", "Scope"), (p) => p.scope || "—"),
    row(bi("Địa bàn nay", "Province now"), now, "now"),
    row(bi("Ngày", "Date"), (p) => p.date || "—"),
    row(bi("Số nhiệm vụ", "Tasks"), (p) => String((p.task_areas || []).reduce((n, a) => n + (a.tasks || 0), 0))),
    row(bi("Số chỉ tiêu", "Targets"), (p) => String((p.targets || []).length)),
  ];
  for (const area of areas) {
    rows.push(el("tr", { class: "group" }, el("th", { colspan: plans.length + 1 }, area ? areaLabel(area) : bi("Chưa xếp lĩnh vực", "no reform area"))));
    rows.push(row("Nhiệm vụ · hạn", (p) => {
      const a = (p.task_areas || []).find((x) => (x.area || null) === area);
      return a ? `${a.tasks} nhiệm vụ · ${a.first_deadline || "?"} → ${a.last_deadline || "?"}` : "—";
    }));
    rows.push(row("Chỉ tiêu", (p) => {
      const ts = (p.targets || []).filter((t) => (t.area || null) === area);
      return ts.length ? el("ul", {}, ts.map((t) => el("li", {}, `${COMPARATORS[t.comparator] ?? t.comparator ?? ""} ${t.value ?? ""} ${t.unit || ""} — ${t.metric || t.text || ""}`))) : "—";
    }));
  }
  rows.push(el("tr", { class: "group" }, el("th", { colspan: plans.length + 1 }, bi("Căn cứ pháp lý", "Legal basis"))));
  const shared = body.shared_basis || [];
  rows.push(el("tr", {}, el("th", { scope: "row" }, bi("Chung", "Shared")), el("td", { colspan: plans.length }, shared.length ? shared.join("; ") : "—")));
  rows.push(row(bi("Chỉ văn bản này", "Only here"), (p) => (p.cites_only_here || []).length
    ? el("ul", {}, p.cites_only_here.map((n) => el("li", {}, n))) : "—"));
  return el("table", { class: "grid", id: "compare-table" },
    el("thead", {}, el("tr", {}, el("th", {}, ""), plans.map((p) => el("th", {},
      el("a", { href: docHref(p) }, docTitle(p)), el("div", { class: "muted small" }, (p.source || "").split("/").pop()))))),
    el("tbody", {}, rows));
}

// ---------------------------------------------------------------- deadlines (calendar / timeline)

const VAGUE_REASONS = {
  "after an event": "sau một sự kiện", "follows another plan's timetable": "theo kế hoạch/tiến độ khác",
  "counted from an event": "tính từ một sự kiện", "not a date": "không phải ngày", "several deadlines, none dated": "nhiều mốc, không có ngày",
  "periodic, no frequency stated": "định kỳ, không rõ tần suất", "when needed": "đột xuất", "recurring, no period or plan year": "lặp lại, không rõ kỳ",
};
const ICS_PARAMS = ["from", "to", "unit", "province", "document"];

/** Tasks due in a window, month by month: overdue ones marked, recurring ones tagged, vague ones listed apart. */
async function deadlinesPage(params) {
  const year = new Date().getFullYear();
  const value = (k, d) => params.get(k) || d;
  const form = el("form", { class: "card deadline-form", id: "deadlines-form" },
    el("label", {}, "Từ ", el("span", { class: "en" }, "from"), " ", el("input", { type: "date", name: "from", value: value("from", `${year}-01-01`) })),
    el("label", {}, "Đến ", el("span", { class: "en" }, "to"), " ", el("input", { type: "date", name: "to", value: value("to", `${year}-12-31`) })),
    el("label", {}, "Tính đến ", el("span", { class: "en" }, "as of"), " ", el("input", { type: "date", name: "as_of", value: value("as_of", "") })),
    el("label", {}, "Đơn vị ", el("span", { class: "en" }, "unit"), " ", el("input", { type: "text", name: "unit", value: value("unit", ""), placeholder: "Sở Nội vụ" })),
    el("label", {}, "Tỉnh ", el("span", { class: "en" }, "province"), " ", el("input", { type: "text", name: "province", value: value("province", ""), placeholder: "Sóc Trăng" })),
    el("button", { type: "submit" }, "Xem", " ", el("span", { class: "en" }, "Show")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const q = new URLSearchParams([...new FormData(form)].filter(([, v]) => String(v).trim()));
    navigate(`#/deadlines?${q}`);
  });
  const out = el("div", { id: "deadlines-result" });
  show(el("h1", {}, bi("Lịch hạn nhiệm vụ", "Deadline calendar")), form, out);
  const query = Object.fromEntries(["from", "to", "as_of", "unit", "province", "document"].map((k) => [k, value(k, k === "from" ? `${year}-01-01` : k === "to" ? `${year}-12-31` : "")]));
  out.append(el("p", { class: "loading" }, "Đang tải…"));
  try {
    out.replaceChildren(deadlineTimeline(await api("/deadlines", query), query));
  } catch (err) {
    out.replaceChildren(errorBox(err));
  }
}

function deadlineEntry(task, extra) {
  const units = (task.lead || []).map((a) => a.name).join(", ") || "—";
  return el("li", { class: `deadline ${extra.cls || ""}` },
    el("span", { class: "due-day" }, extra.day), " ",
    extra.badge ? el("span", { class: `badge ${extra.badgeCls || ""}` }, extra.badge) : null, " ",
    el("a", { href: docHref(task.document_id, task.start, task.end) }, task.text), " ",
    el("span", { class: "muted small" }, `· ${units} · ${task.deadline.text} · ${(task.source || "").split("/").pop()}:${task.start}–${task.end}`));
}

function deadlineTimeline(body, query) {
  const due = body.due || [];
  const months = new Map();
  for (const d of due) {
    const key = d.due.slice(0, 7);
    if (!months.has(key)) months.set(key, []);
    months.get(key).push(d);
  }
  const ics = new URL("/deadlines.ics", window.location.origin);
  for (const k of ICS_PARAMS) if (query[k]) ics.searchParams.set(k, query[k]);
  const summary = el("p", { class: "muted" },
    `${due.length} hạn · ${body.overdue} quá hạn · ${(body.ongoing || []).length} thường xuyên · ${(body.vague || []).length} không rõ ngày `,
    el("span", { class: "en" }, "due · overdue · ongoing · vague"), " — ",
    el("a", { href: ics.pathname + ics.search, download: "deadlines.ics", id: "deadlines-ics" }, "Tải lịch .ics", " ", el("span", { class: "en" }, "download")));
  const timeline = el("div", { class: "timeline", id: "deadline-timeline" }, [...months].map(([month, items]) =>
    el("section", { class: "month", dataset: { month } },
      el("h2", {}, `Tháng ${month.slice(5)}/${month.slice(0, 4)}`),
      el("ul", {}, items.map((d) => deadlineEntry(d.task, {
        day: d.due.slice(8), cls: d.overdue ? "overdue" : "",
        badge: d.overdue ? "quá hạn" : d.recurrence ? d.recurrence : null, badgeCls: d.overdue ? "high" : "",
      }))))));
  const ongoing = (body.ongoing || []).length ? el("section", { class: "card", id: "deadline-ongoing" },
    el("h2", {}, bi("Thường xuyên", "Ongoing")),
    el("ul", {}, body.ongoing.map((o) => deadlineEntry(o.task, { day: `${o.start} → ${o.end}` })))) : null;
  const vague = (body.vague || []).length ? el("section", { class: "card", id: "deadline-vague" },
    el("h2", {}, bi("Không rõ ngày (không đoán)", "No day given (never guessed)")),
    el("ul", {}, body.vague.map((v) => deadlineEntry(v.task, { day: "", badge: VAGUE_REASONS[v.reason] || v.reason, badgeCls: "warn" })))) : null;
  return el("div", {}, summary, due.length ? timeline : el("p", {}, "Không có hạn nào trong khoảng này ", el("span", { class: "en" }, "nothing due in the window")), ongoing, vague);
}

/** A unit and the units it succeeded in the 2025 reorganisation ("Sở Nội vụ" of Cần Thơ, then Sóc Trăng's …). */
function throughTimeForm(params) {
  const form = el("form", { class: "card", id: "through-time-form" },
    el("h2", {}, bi("Đơn vị qua các thời kỳ", "A unit through time")),
    el("label", {}, "Đơn vị ", el("input", { name: "unit", value: params.get("unit") || "Sở Nội vụ" })), " ",
    el("label", {}, "Tỉnh, thành phố ", el("input", { name: "province", value: params.get("province") || "" })), " ",
    el("button", { type: "submit" }, "Xem", " ", el("span", { class: "en" }, "Show")),
    el("div", { id: "through-time-result" }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const out = form.querySelector("#through-time-result");
    out.replaceChildren(el("p", { class: "loading" }, "Đang tải…"));
    try {
      const body = await api("/units/through-time", { name: form.unit.value, province: form.province.value });
      const items = body.items || [];
      out.replaceChildren(el("p", { class: "muted" }, body.place.current ? body.place.province
        : `${body.place.province} (cũ) → ${body.place.part_of} từ ${body.place.since}`),
        items.length ? el("ul", { id: "through-time-list" }, items.map((u) => el("li", { class: u.relation },
          el("strong", {}, u.label), ` — chủ trì ${u.lead.length}, phối hợp ${u.cooperate.length}`,
          u.source ? el("div", { class: "muted small" }, u.source) : ""))) : el("p", {}, "Không có đơn vị nào."));
    } catch (err) {
      out.replaceChildren(errorBox(err));
    }
  });
  return form;
}

// ---------------------------------------------------------------- anomalies

async function anomaliesPage() {
  show(el("h1", {}, bi("Bất thường trong trích dẫn", "Anomalies")), el("p", { class: "loading" }, "Đang tải…"));
  try {
    const [body, docs] = await Promise.all([api("/anomalies"), allDocuments().catch(() => [])]);
    const byId = new Map(docs.map((d) => [d.id, d]));
    const items = asList(body);
    const rows = items.map((a) => el("tr", {},
      el("td", {}, el("span", { class: `badge ${a.severity === "high" ? "high" : "warn"}` }, a.severity || "")),
      el("td", {}, a.kind || ""),
      el("td", {}, a.text || a.notation || ""),
      el("td", {}, a.evidence || ""),
      el("td", {}, a.probable || ""),
      el("td", {}, el("a", { href: `${docHref(a.document_id || a.document)}${a.citation ? `?citation=${enc(a.citation)}` : ""}` },
        docTitle(byId.get(docId(a.document_id || a.document)) || a)), el("div", { class: "muted small" }, (a.source || "").split("/").pop()))));
    show(el("h1", {}, bi("Bất thường trong trích dẫn", "Anomalies")),
      el("p", { class: "muted" }, `${items.length} vấn đề đang mở `, el("span", { class: "en" }, "open issues")),
      el("table", { class: "grid", id: "anomalies-table" },
        el("thead", {}, el("tr", {}, ["Mức", "Loại", "Trích dẫn", "Bằng chứng", "Có lẽ là", "Văn bản"].map((h) => el("th", {}, h)))),
        el("tbody", {}, rows)));
  } catch (err) {
    show(el("h1", {}, bi("Bất thường", "Anomalies")), errorBox(err));
  }
}

// ---------------------------------------------------------------- router

function navigate(hash) {
  if (window.location.hash === hash) route();
  else window.location.hash = hash;
}

/** `#/name/rest?query` → the page; `rest` is one URL-encoded path segment (an id may contain slashes once decoded). */
function route() {
  const hash = window.location.hash.replace(/^#\/?/, "");
  const [path, query] = hash.split(/\?(.*)/s);
  const params = new URLSearchParams(query || "");
  const slash = path.indexOf("/");
  const name = slash < 0 ? path : path.slice(0, slash);
  const rest = slash < 0 ? "" : decodeURIComponent(path.slice(slash + 1));
  for (const a of document.querySelectorAll("header nav a")) a.classList.toggle("active", a.dataset.route === (name === "doc" ? "documents" : name || "search"));
  cy = name === "graph" ? cy : null;
  document.body.dataset.page = name || "search";
  const pages = {
    search: () => searchPage(params),
    documents: () => documentsPage(),
    doc: () => docPage(rest, params),
    graph: () => graphPage(rest),
    compare: () => comparePage(params),
    anomalies: () => anomaliesPage(),
    deadlines: () => deadlinesPage(params),
  };
  const page = pages[name] || pages.search;
  Promise.resolve(page()).catch((err) => show(errorBox(err)));
}

window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", route);
