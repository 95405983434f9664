import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadLanguage } from '../../src/webview/shared/highlighter';
import { renderMarkdownUnsanitized } from '../../src/webview/shared/markdown';
import { isClosingFence, MarkdownStream, type StreamUpdate } from '../../src/webview/shared/markdownStream';

// The chat renders a streamed answer incrementally: blocks markdown-it has closed are rendered once, only the
// last block is parsed again, and an open code fence only has its new lines scanned. Whatever the pieces, the
// result must be exactly the one-shot rendering of the whole text.

/** Feeds `pieces` and returns the final HTML as the view would assemble it (stable blocks + finished tail). */
function streamed(pieces: string[], viaUpdate = false): { html: string; updates: StreamUpdate[] } {
  const stream = new MarkdownStream();
  let stable = '';
  let text = '';
  const updates: StreamUpdate[] = [];
  for (const piece of pieces) {
    text += piece;
    const u = viaUpdate ? stream.update(text) : stream.append(piece);
    assert.equal(u.reset, false, 'an extension never resets');
    stable += u.stable.join('');
    updates.push(u);
  }
  return { html: stable + stream.finish(), updates };
}

function cut(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let last = 0;
  for (const p of points) {
    pieces.push(text.slice(last, p));
    last = p;
  }
  pieces.push(text.slice(last));
  return pieces;
}

const BLOCKS = [
  '# Heading',
  'Setext heading\n===',
  'A paragraph with **bold**, `code` and a [link](https://example.com).',
  'Line one\nline two of the same paragraph',
  '- item one\n- item two\n  continued',
  '- loose one\n\n- loose two',
  '1. first\n2. second\n\n   more of second\n\n3. third',
  '> quoted\n> still quoted',
  '> lazy\ncontinuation',
  '```ts\nconst x: number = 1;\n\nfunction f() {}\n```',
  '~~~\nplain ~~~ text\n```\nnot a closer\n~~~',
  '````md\n```js\ninner\n```\n````',
  '```python\ndef open():\n    pass',
  '   ```\n   indented fence\n   ```',
  '    indented code\n\n    more indented code',
  '| a | b |\n|---|---|\n| 1 | 2 |',
  '---',
  '***',
  '<script>alert(1)</script>',
  'text with trailing spaces  \nhard break',
  '中文段落，包含`代码`。',
  '- list\n\n  ```js\n  nested fence\n\n  still nested\n  ```\n- next',
];

const docArb = fc
  .array(fc.tuple(fc.constantFrom(...BLOCKS), fc.constantFrom('\n', '\n\n', '\n\n\n', '\r\n\r\n')), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.map(([b, sep]) => b + sep).join(''));

describe('chat: incremental Markdown (MarkdownStream)', () => {
  // Grammars load on demand (highlighter.ts); these tests compare renderings, highlighted as the views get them.
  before(() => Promise.all(['ts', 'js', 'md', 'python'].map((lang) => loadLanguage(lang))));

  it('equals the one-shot rendering, however the text is cut into pieces', () => {
    fc.assert(
      fc.property(docArb, fc.array(fc.nat(), { maxLength: 30 }), fc.boolean(), (doc, cuts, viaUpdate) => {
        const expected = renderMarkdownUnsanitized(doc.replace(/\r\n?/g, '\n'));
        assert.equal(streamed(cut(doc, cuts), viaUpdate).html, expected);
      }),
      { numRuns: 400 },
    );
  });

  it('equals the one-shot rendering when fed one character at a time', () => {
    const doc = BLOCKS.join('\n\n');
    assert.equal(streamed([...doc]).html, renderMarkdownUnsanitized(doc));
  });

  it('keeps the tail small: finished blocks are not parsed again', () => {
    const stream = new MarkdownStream();
    const paragraph = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n\n';
    let stableBlocks = 0;
    for (let i = 0; i < 200; i++) stableBlocks += stream.append(paragraph).stable.length;
    const last = stream.append('tail\n');
    assert.ok(stableBlocks >= 198, `${stableBlocks} stable chunks`);
    assert.deepEqual(last.tail, { kind: 'html', html: '<p>tail</p>\n' });
  });

  it('hands an open code fence over as appended text, and highlights it once it closes', () => {
    const stream = new MarkdownStream();
    const a = stream.append('Intro\n\n```ts\nconst a');
    assert.equal(a.stable.join(''), '<p>Intro</p>\n');
    assert.deepEqual(a.tail, { kind: 'code', id: 7, lang: 'ts', added: 'const a' });
    const b = stream.append(' = 1;\nconst b = 2;\n``');
    assert.deepEqual(b.tail, { kind: 'code', id: 7, lang: 'ts', added: ' = 1;\nconst b = 2;\n``' });
    assert.deepEqual(b.stable, []);
    const c = stream.append('`\n\nAfter');
    assert.equal(c.stable.length, 1);
    assert.match(c.stable[0]!, /<div class="code-block" data-lang="ts"><pre><code class="hljs language-ts"><span class="hljs-keyword">const<\/span>/);
    assert.deepEqual(c.tail, { kind: 'html', html: '<p>After</p>\n' });
  });

  it('does not take "```js" for a closing fence while its line is still arriving', () => {
    const stream = new MarkdownStream();
    stream.append('```\ncode\n```');
    const u = stream.append('js\nmore\n');
    assert.equal(u.tail.kind, 'code');
    assert.equal(u.tail.kind === 'code' && u.tail.added, 'js\nmore\n', 'the "```" was handed over before');
    assert.match(stream.finish(), /code\n```js\nmore/);
  });

  it('starts over when the text is replaced rather than extended', () => {
    const stream = new MarkdownStream();
    stream.update('# One\n\nfirst answer\n\n');
    const u = stream.update('# Two\n\nother');
    assert.equal(u.reset, true);
    assert.equal(u.stable.join('') + stream.finish(), renderMarkdownUnsanitized('# Two\n\nother'));
    assert.equal(stream.source, '# Two\n\nother');
  });

  it('joins a \\r and a \\n that arrive in different pieces into one line break', () => {
    assert.equal(streamed(['para one\r', '\n\r', '\npara two']).html, renderMarkdownUnsanitized('para one\n\npara two'));
  });

  it('recognizes closing fences as CommonMark does', () => {
    assert.ok(isClosingFence('```', '`', 3));
    assert.ok(isClosingFence('   ````  ', '`', 3));
    assert.ok(!isClosingFence('    ```', '`', 3), 'four spaces: indented code, not a closer');
    assert.ok(!isClosingFence('``', '`', 3));
    assert.ok(!isClosingFence('```js', '`', 3));
    assert.ok(!isClosingFence('~~~', '`', 3));
  });
});
