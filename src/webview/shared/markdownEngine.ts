// The Markdown engine of both webviews: markdown-it (with its entity decoder and linkify), DOMPurify and our
// rendering on top of them, about 130 KB. It is a chunk of its own, imported by markdownLoader.ts when a page
// first has Markdown to show, so that a page starts with only its own code (docs/architecture.md, "Webview
// scripts load in pieces"). Nothing outside markdownLoader.ts may import this module or those it re-exports.

import { renderMarkdownUnsanitized, renderSafeFragment } from './markdown';

export { LiveMarkdown } from './liveMarkdown';

/** One piece of Markdown (a question), rendered and sanitized, as nodes ready to insert. */
export function renderMarkdownFragment(markdown: string): DocumentFragment {
  return renderSafeFragment(renderMarkdownUnsanitized(markdown));
}
