import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';
import { highlightState, readyHighlighter } from './highlighter';
import { highlightWhenLoaded, PENDING_HIGHLIGHT } from './lateHighlight';

// Bot output is untrusted Markdown. Raw HTML is not rendered at all (html: false turns it into text), only
// http(s) and mailto links survive, images never load from the network (the CSP blocks them, and they are
// shown as links instead), and DOMPurify cleans the result once more in case a renderer rule slips.

const SAFE_LINK = /^(https?:|mailto:)/i;

const md = new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false });

md.validateLink = (url: string) => SAFE_LINK.test(url.trim());

// A remote image would be a tracking pixel: render it as a link the user can choose to open.
md.renderer.rules.image = (tokens, idx) => {
  const token = tokens[idx]!;
  const src = token.attrGet('src') ?? '';
  const alt = token.content || src;
  const label = md.utils.escapeHtml(`[${alt}]`);
  return SAFE_LINK.test(src) ? `<a href="${md.utils.escapeHtml(src)}" class="image-link">${label}</a>` : label;
};

/** Code blocks longer than this are shown without colours: highlighting is linear but not free. */
const MAX_HIGHLIGHT_CHARS = 200_000;

/**
 * highlight.js (the "common" set of ~36 languages) colours code blocks that name their language. Its output is
 * the code HTML-escaped with only <span class="hljs-…"> added; the colours come from VS Code's theme variables
 * (media/highlight.css). No language guessing: auto-detection is slow and often wrong on short snippets (and
 * would need every grammar loaded). Grammars load when a block needs one (highlighter.ts): until it is here,
 * the block is plain and marked to be coloured when it arrives (lateHighlight.ts).
 */
export function highlightCode(code: string, lang: string): string {
  const hljs = code.length <= MAX_HIGHLIGHT_CHARS ? readyHighlighter(lang) : undefined;
  if (hljs) {
    try {
      return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
    } catch {
      // A grammar bug must not lose the answer: fall through to plain text.
    }
  }
  return md.utils.escapeHtml(code);
}

/** The language named in a fence's info string ("ts", "python {linenos}" → "python"). */
export function fenceLanguage(info: string): string {
  return info.trim().split(/\s+/)[0] ?? '';
}

/** The HTML of one code block (streamingMarkdown.ts builds the same shape for a fence still streaming in). */
function codeBlockHtml(code: string, lang: string): string {
  const langAttr = lang ? ` data-lang="${md.utils.escapeHtml(lang)}"` : '';
  const pending = code.length <= MAX_HIGHLIGHT_CHARS && highlightState(lang) === 'loading' ? ` ${PENDING_HIGHLIGHT}` : '';
  const langClass = lang ? ` class="hljs language-${md.utils.escapeHtml(lang.replace(/[^\w-]/g, ''))}${pending}"` : ' class="hljs"';
  return `<div class="code-block"${langAttr}><pre><code${langClass}>${highlightCode(code, lang)}</code></pre></div>\n`;
}

md.renderer.rules.fence = (tokens, idx) => {
  const token = tokens[idx]!;
  return codeBlockHtml(token.content, fenceLanguage(token.info));
};

/** The parser shared by the one-shot renderer and the streaming one (markdownStream.ts). */
export const markdownParser = md;

/** Markdown to HTML without the DOM pass (testable in plain Node). */
export function renderMarkdownUnsanitized(markdown: string): string {
  return md.render(markdown);
}

const PURIFY_CONFIG = {
  ALLOWED_TAGS: [
    'a', 'blockquote', 'br', 'code', 'del', 'div', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'li', 'ol', 'p',
    'pre', 's', 'span', 'strong', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul',
  ],
  ALLOWED_ATTR: ['href', 'class', 'data-lang', 'align', 'start', 'title'],
  ALLOW_DATA_ATTR: false,
};

/** A one-shot rendering, sanitized. The views render incrementally; bench/chatRender.ts checks them against this. */
export function renderMarkdown(markdown: string): string {
  return DOMPurify.sanitize(md.render(markdown), PURIFY_CONFIG) as string;
}

/** Sanitized HTML as nodes, ready to insert (the views insert rendered blocks one by one). */
export function renderSafeFragment(html: string): DocumentFragment {
  const fragment = sanitizeToFragment(html);
  highlightWhenLoaded(fragment, (code, lang) => sanitizeToFragment(highlightCode(code, lang)));
  return fragment;
}

function sanitizeToFragment(html: string): DocumentFragment {
  return DOMPurify.sanitize(html, { ...PURIFY_CONFIG, RETURN_DOM_FRAGMENT: true }) as unknown as DocumentFragment;
}
