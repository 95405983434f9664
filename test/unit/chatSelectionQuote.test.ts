import * as assert from 'node:assert/strict';
import { renderMarkdownUnsanitized } from '../../src/webview/shared/markdown';
import { fenceLanguageFor, quoteSelection, quoteSelections } from '../../src/chat/selectionQuote';

// "Ask Coze in Chat" quotes the selection as a fenced block with its language and file name.

describe('chat: quoting the selection for "Ask Coze in Chat"', () => {
  it('names the file and lines and fences the code with its language', () => {
    const quoted = quoteSelection({ text: 'export function f() {}\n', languageId: 'typescript', fileName: 'src/sample.ts', startLine: 2, endLine: 4 });
    assert.equal(quoted, '`src/sample.ts:2-4`\n```typescript\nexport function f() {}\n```\n');
    assert.match(quoteSelection({ text: 'x', languageId: 'python', fileName: 'a.py', startLine: 7, endLine: 7 }), /^`a\.py:7`\n/);
  });

  it('uses a fence longer than any backtick run in the code', () => {
    const quoted = quoteSelection({ text: 'Use ```js fences``` or ````', languageId: 'markdown', fileName: 'README.md', startLine: 1, endLine: 1 });
    assert.match(quoted, /\n`````markdown\n/);
    const html = renderMarkdownUnsanitized(quoted).replace(/<\/?span[^>]*>/g, ''); // without the highlighting
    assert.match(html, /Use ```js fences``` or ````/, 'the code stays inside one block');
  });

  it('maps VS Code language ids to fence names and drops odd ones', () => {
    assert.equal(fenceLanguageFor('typescriptreact'), 'tsx');
    assert.equal(fenceLanguageFor('shellscript'), 'bash');
    assert.equal(fenceLanguageFor('rust'), 'rust');
    assert.equal(fenceLanguageFor('weird lang`'), '');
  });

  it('quotes several selections and leaves a line for the question', () => {
    const text = quoteSelections([
      { text: 'a', languageId: 'go', fileName: 'a.go', startLine: 1, endLine: 1 },
      { text: 'b\r\nc', languageId: 'go', fileName: 'a.go', startLine: 5, endLine: 6 },
    ]);
    assert.equal(text, '`a.go:1`\n```go\na\n```\n\n`a.go:5-6`\n```go\nb\nc\n```\n\n');
  });
});
