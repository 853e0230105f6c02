// The demo pages' DOM helpers: look an element up by id, build HTML and SVG
// elements. Text is always set as text, never parsed as HTML.

export const $ = (id) => document.getElementById(id);

/**
 * Sets `attrs` on `node`: `class`, `text`, the properties it has (type, disabled, title, ...),
 * else attributes (data-*, aria-*, tabindex). null and undefined are skipped, and false but for `text`.
 */
function assign(node, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === "text") node.textContent = String(v);
    else if (v === false) continue;
    else if (k === "class") node.setAttribute("class", String(v));
    else if (k.includes("-") || !(k in node)) node.setAttribute(k, String(v));
    else node[k] = v;
  }
  return node;
}

/**
 * An HTML element. `attrs` is an object (see `assign`) or a class name; `children`
 * are nodes or text (null, undefined and false are skipped).
 */
export function el(tag, attrs, ...children) {
  const node = assign(document.createElement(tag), typeof attrs === "string" ? { class: attrs } : attrs);
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element: every attr is an attribute; `text`, when given, its text. */
export function svgEl(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Puts a line (`text`, class `cls`) at the top of the list `log`, keeping at most `max` lines. */
export function prependLine(log, text, cls, max) {
  log.prepend(el("li", cls || null, text));
  while (log.children.length > max) log.lastChild.remove();
}
