// The few icons the chat's composer needs, as inline SVG in the theme's text colour. Drawn here rather than
// loaded as the codicon font: the page's CSP loads nothing but our own script and stylesheet, and four shapes
// do not justify shipping a font.

const SHAPES = {
  attach: '<path d="M13 7.5 8.2 12.3a3.2 3.2 0 0 1-4.5-4.5l5.1-5.1a2.1 2.1 0 0 1 3 3L6.7 10.8a1 1 0 0 1-1.5-1.5L9.8 4.7"/>',
  file: '<path d="M4 1.5h5.2L12.5 4.8v9.7H4z"/><path d="M9 1.5v3.5h3.5"/>',
  image: '<rect x="1.5" y="2.5" width="13" height="11" rx="1"/><circle cx="5.5" cy="6" r="1.3"/><path d="m2 12.5 4-4 3 3 1.8-1.8 3.7 3.3"/>',
  close: '<path d="m4.5 4.5 7 7m0-7-7 7"/>',
} as const;

export type IconName = keyof typeof SHAPES;

/** A 16×16 icon; decorative (aria-hidden): the button or chip around it carries the label. */
export function icon(name: IconName, className = 'icon'): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('fill', 'none');
  svg.setAttribute('stroke', 'currentColor');
  svg.setAttribute('stroke-width', '1.2');
  svg.setAttribute('stroke-linecap', 'round');
  svg.setAttribute('stroke-linejoin', 'round');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', className);
  // Constant markup of our own, parsed as SVG (never text from the bot or the user).
  const parsed = new DOMParser().parseFromString(`<svg xmlns="http://www.w3.org/2000/svg">${SHAPES[name]}</svg>`, 'image/svg+xml');
  svg.append(...Array.from(parsed.documentElement.childNodes, (node) => document.importNode(node, true)));
  return svg;
}
