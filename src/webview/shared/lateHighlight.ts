import { loadLanguage } from './highlighter';

// Code blocks rendered while their highlight.js grammar was still loading (highlighter.ts) carry this class and
// their code as plain text. When the grammar arrives, the text is replaced by the same highlighted HTML a
// render would have produced then (sanitized like every rendering), the class goes, and a selection inside the
// block is put back where it was, as are the ranges of CSS highlights over it (the chat's search matches,
// chat/matchHighlight.ts): only the colours change, so nothing moves or scrolls.

export const PENDING_HIGHLIGHT = 'highlight-pending';

/**
 * Colours the pending blocks under `root` (a fresh fragment, attached or not) once their languages are here.
 * `render` gives a block's code as sanitized highlighted nodes.
 */
export function highlightWhenLoaded(root: ParentNode, render: (code: string, lang: string) => DocumentFragment): void {
  for (const code of root.querySelectorAll<HTMLElement>(`code.${PENDING_HIGHLIGHT}`)) {
    const lang = code.closest<HTMLElement>('.code-block')?.dataset.lang ?? '';
    void loadLanguage(lang).then((ok) => {
      code.classList.remove(PENDING_HIGHLIGHT);
      if (ok) replaceKeepingRanges(code, render(code.textContent ?? '', lang));
    });
  }
}

function replaceKeepingRanges(code: HTMLElement, nodes: DocumentFragment): void {
  const marks = highlightRangesIn(code);
  const selection = code.ownerDocument.getSelection();
  const point = (node: Node | null, offset: number): Point =>
    node && code.contains(node) ? { inCode: textOffset(code, node, offset) } : { node, offset };
  const anchor = selection && selection.rangeCount > 0 ? point(selection.anchorNode, selection.anchorOffset) : undefined;
  const focus = selection && selection.rangeCount > 0 ? point(selection.focusNode, selection.focusOffset) : undefined;
  code.replaceChildren(nodes);
  for (const { range, start, end } of marks) {
    if (start !== undefined) range.setStart(...locate(code, start));
    if (end !== undefined) range.setEnd(...locate(code, end));
  }
  if (!anchor || !focus || (!('inCode' in anchor) && !('inCode' in focus))) return;
  // A selection that only began or ended in the block keeps its other end where it was (and its direction).
  const [anchorNode, anchorOffset] = 'inCode' in anchor ? locate(code, anchor.inCode) : [anchor.node, anchor.offset];
  const [focusNode, focusOffset] = 'inCode' in focus ? locate(code, focus.inCode) : [focus.node, focus.offset];
  if (anchorNode && focusNode) selection!.setBaseAndExtent(anchorNode, anchorOffset, focusNode, focusOffset);
}

type Point = { inCode: number } | { node: Node | null; offset: number };

/** The live ranges of CSS highlights with an end inside `code`, and where in its text those ends are. */
function highlightRangesIn(code: HTMLElement): Array<{ range: Range; start?: number; end?: number }> {
  if (typeof CSS === 'undefined' || !('highlights' in CSS)) return [];
  const found: Array<{ range: Range; start?: number; end?: number }> = [];
  CSS.highlights.forEach((highlight) =>
    highlight.forEach((range) => {
      if (!(range instanceof Range)) return;
      const start = code.contains(range.startContainer) ? textOffset(code, range.startContainer, range.startOffset) : undefined;
      const end = code.contains(range.endContainer) ? textOffset(code, range.endContainer, range.endOffset) : undefined;
      if (start !== undefined || end !== undefined) found.push({ range, start, end });
    }),
  );
  return found;
}

/** Characters of `code`'s text before (node, offset). */
function textOffset(code: HTMLElement, node: Node, offset: number): number {
  const before = code.ownerDocument.createRange();
  before.setStart(code, 0);
  before.setEnd(node, offset);
  return before.toString().length;
}

/** The text node and offset of character `at` of `code`'s text. */
function locate(code: HTMLElement, at: number): [Node, number] {
  const walker = code.ownerDocument.createTreeWalker(code, NodeFilter.SHOW_TEXT);
  let left = at;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const length = node.textContent?.length ?? 0;
    if (left <= length) return [node, left];
    left -= length;
  }
  return [code, code.childNodes.length];
}
