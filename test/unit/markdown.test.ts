import * as assert from 'node:assert/strict';
import { renderMarkdownUnsanitized } from '../../src/webview/shared/markdown';

// Bot output is untrusted: the Markdown stage alone must already render raw HTML as text, drop unsafe
// link schemes and keep remote images from loading (DOMPurify in the webview is the second line).

describe('markdown rendering of bot output', () => {
  it('renders raw HTML as text', () => {
    const html = renderMarkdownUnsanitized('<img src=x onerror=alert(1)> and <script>alert(2)</script>');
    assert.ok(!/<img/i.test(html), html);
    assert.ok(!/<script/i.test(html), html);
    assert.match(html, /&lt;script&gt;/);
  });

  it('drops javascript:, data: and vbscript: links but keeps https and mailto', () => {
    const html = renderMarkdownUnsanitized(
      '[a](javascript:alert(1)) [b](data:text/html,x) [c](vbscript:x) [d](https://www.coze.cn) [e](mailto:a@b.c) [f](JaVaScRiPt:alert(1))',
    );
    assert.ok(!/href="(javascript|data|vbscript)/i.test(html), html);
    assert.match(html, /href="https:\/\/www\.coze\.cn"/);
    assert.match(html, /href="mailto:a@b\.c"/);
  });

  it('turns remote images into links instead of loading them', () => {
    const html = renderMarkdownUnsanitized('![tracker](https://example.com/pixel.png)');
    assert.ok(!/<img/i.test(html), html);
    assert.match(html, /<a href="https:\/\/example\.com\/pixel\.png" class="image-link">/);
  });

  it('keeps code blocks escaped and labelled with their language', () => {
    const html = renderMarkdownUnsanitized('```html\n<b onclick="x()">hi</b>\n```');
    assert.match(html, /data-lang="html"/);
    // Highlighting wraps tokens in <span class="hljs-…">; the code itself stays escaped text.
    assert.match(html.replace(/<\/?span[^>]*>/g, ''), /&lt;b onclick=&quot;x\(\)&quot;&gt;/);
  });

  it('escapes a language label that tries to break out of the attribute', () => {
    const html = renderMarkdownUnsanitized('```"><script>x</script>\ncode\n```');
    assert.ok(!/<script/i.test(html), html);
  });
});
