import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

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

md.renderer.rules.fence = (tokens, idx) => {
  const token = tokens[idx]!;
  const lang = token.info.trim().split(/\s+/)[0] ?? '';
  const escaped = md.utils.escapeHtml(token.content);
  const langAttr = lang ? ` data-lang="${md.utils.escapeHtml(lang)}"` : '';
  const langClass = lang ? ` class="language-${md.utils.escapeHtml(lang.replace(/[^\w-]/g, ''))}"` : '';
  return `<div class="code-block"${langAttr}><pre><code${langClass}>${escaped}</code></pre></div>`;
};

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

export function renderMarkdown(markdown: string): string {
  return DOMPurify.sanitize(md.render(markdown), PURIFY_CONFIG) as string;
}
