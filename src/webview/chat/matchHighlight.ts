// Marks the words a history search found in the turn it opened, with the CSS Custom Highlight API: ranges over
// the rendered text, styled by ::highlight(), without touching the DOM (which the streaming renderer owns and
// may replace at any time; a range over replaced nodes just goes empty). The query matches as the extension's
// search matches it (src/chat/searchText.ts): case-insensitive, any whitespace run for a space.

const NAME = 'ask-coze-search';
const MAX_RANGES = 200;

function supported(): boolean {
  return typeof CSS !== 'undefined' && 'highlights' in CSS && typeof Highlight === 'function';
}

/** Marks the matches of `query` in `root`; the marks of an earlier call go. */
export function highlightMatches(root: HTMLElement, query: string): void {
  if (!supported()) return;
  clearMatchHighlights();
  const words = query.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return;
  const pattern = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('\\s+'), 'giu');
  // The text of the turn as one string, and where each text node starts in it, so that a match may span nodes.
  const nodes: Text[] = [];
  const starts: number[] = [];
  let text = '';
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    // Button labels are not what was asked or answered.
    acceptNode: (node) => (node.parentElement?.closest('button, .code-toolbar') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    nodes.push(node as Text);
    starts.push(text.length);
    text += node.nodeValue ?? '';
  }
  const ranges: Range[] = [];
  const locate = (offset: number): [Text, number] => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return [nodes[lo]!, offset - starts[lo]!];
  };
  for (const m of text.matchAll(pattern)) {
    if (ranges.length >= MAX_RANGES || !m[0]) break;
    const range = document.createRange();
    range.setStart(...locate(m.index));
    // The end is inside the node holding the match's last character.
    const [endNode, endOffset] = locate(m.index + m[0].length - 1);
    range.setEnd(endNode, endOffset + 1);
    ranges.push(range);
  }
  if (ranges.length) CSS.highlights.set(NAME, new Highlight(...ranges));
}

export function clearMatchHighlights(): void {
  if (supported()) CSS.highlights.delete(NAME);
}
