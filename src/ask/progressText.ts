// Text for the progress notification. Pure (no vscode import), unit-tested in plain Node.

/**
 * The end of the streamed answer as plain words for the progress notification, which cannot render Markdown:
 * fences, headings, emphasis and link targets would otherwise show as raw syntax.
 */
export function progressTail(markdown: string, max: number): string {
  const recent = markdown.slice(-max * 4);
  const plain = recent
    .replace(/^\s*(```|~~~).*$/gm, ' ')
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+/gm, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*`~]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > max ? `…${plain.slice(-max)}` : plain;
}
