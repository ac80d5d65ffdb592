/**
 * @module Browser code the pages share, inlined into each page's script.
 */

/** `el(tag, attributes, children)`: builds DOM nodes; text goes in as text, never as HTML. */
export const DOM_HELPERS = `
  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") node.textContent = attributes[name];
      else node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
`;
