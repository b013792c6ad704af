// Tiny DOM helpers: elements are built in code, never from HTML strings, so nothing the
// API returns can become markup.

/**
 * Creates an element. `props`: `class`, `text`, `testid`, `title`, `on<Event>` handlers,
 * and any other attribute. Children may be nodes, strings or null.
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = String(value);
    else if (name === 'testid') node.dataset.testid = value;
    else if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (value === true) node.setAttribute(name, '');
    else node.setAttribute(name, String(value));
  }
  return put(node, children);
}

export function byId(id) {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`#${id} is missing from the page`);
  return node;
}

/** Appends nodes and strings (arrays flattened), skipping null, undefined and false. */
export function put(parent, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
  return parent;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

export function show(node, visible = true) {
  node.classList.toggle('hidden', !visible);
}

/** Sets a gauge fill's width as a share (0..1) of its track. */
export function setShare(fill, share) {
  const clamped = Math.max(0, Math.min(1, Number.isFinite(share) ? share : 0));
  fill.style.width = `${(clamped * 100).toFixed(2)}%`;
}

/** Wires `.tab[data-tab]` buttons inside `nav[data-tabs]` to show the matching panes. */
export function tabs(nav, panes, onChange = () => {}) {
  const select = (name) => {
    for (const tab of nav.querySelectorAll('.tab')) {
      tab.classList.toggle('active', tab.dataset.tab === name);
    }
    for (const pane of panes) show(pane, pane.dataset.pane === name || pane.dataset.view === name);
    onChange(name);
  };
  nav.addEventListener('click', (event) => {
    const tab = event.target.closest('.tab');
    if (tab) select(tab.dataset.tab);
  });
  return select;
}
