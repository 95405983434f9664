import * as assert from 'node:assert/strict';
import { parseApplyArgs } from '../../src/apply/applyArgs';
import { applyPlanned, looksLikeWholeFile, normalizeSpan, planEdit, reindent, relocate, splitLines } from '../../src/apply/codeEdit';
import { locateQuote, parseQuotes, quoteLabel } from '../../src/apply/quotedCode';
import { quoteSelection } from '../../src/chat/selectionQuote';

// "Apply" on a code block: the pure rules of src/apply/ (re-indentation, the whole-file rule, finding the
// quoted lines again, the edit and the file after it).

const FILE = [
  "import { readFile } from 'node:fs/promises';",
  '',
  'export class Counter {',
  '  count(text: string): number {',
  "    const lines = text.split('\\n');",
  '    return lines.length;',
  '  }',
  '}',
  '',
].join('\n');

describe('apply: re-indenting a code block', () => {
  it('moves the block to the indentation of the first replaced line, keeping its own structure', () => {
    assert.deepEqual(reindent('if (x) {\n  y();\n}\n', '    '), ['    if (x) {', '      y();', '    }']);
    // The block was indented in the answer (a list item): its shared indentation goes.
    assert.deepEqual(reindent('      a();\n        b();\n', '  '), ['  a();', '    b();']);
  });

  it('keeps blank lines empty and drops the blank lines around the block', () => {
    assert.deepEqual(reindent('\n\nfoo();\n\n  bar();\n\n', '\t'), ['\tfoo();', '', '\t  bar();']);
  });

  it('keeps lines less indented than the first where they were relative to it (code after a function, a closing brace)', () => {
    // The bot kept the quoted lines' indentation: nothing moves.
    assert.deepEqual(reindent('    return result\n\n\nprint(total([]))\n', '    '), ['    return result', '', '', 'print(total([]))']);
    // It dropped 4 spaces of a method body: they come back, on every line.
    assert.deepEqual(reindent('count() {\n  x();\n}', '    '), ['    count() {', '      x();', '    }']);
  });

  it('gives an inline first line no indentation of its own and leaves the next lines as quoted', () => {
    assert.deepEqual(reindent('  foo(a,\n      b)', '    ', true), ['foo(a,', '      b)']);
  });

  it('reads CRLF blocks', () => {
    assert.deepEqual(reindent('a\r\n  b\r\n', ''), ['a', '  b']);
  });
});

describe('apply: the whole-file rule', () => {
  it('takes a block that starts and ends like the file and is at least half its length', () => {
    const fixed = FILE.replace("text.split('\\n')", "text.split(/\\r?\\n/)");
    assert.equal(looksLikeWholeFile(fixed, FILE), true);
    assert.equal(looksLikeWholeFile(`\n${fixed}\n\n`, FILE), true, 'blank lines around do not matter');
  });

  it('does not take a snippet from the middle, nor the first lines only', () => {
    assert.equal(looksLikeWholeFile("    const lines = text.split('\\n');\n    return lines.length;", FILE), false);
    assert.equal(looksLikeWholeFile("import { readFile } from 'node:fs/promises';\n\nexport class Counter {", FILE), false);
  });

  it('does not take a block that starts and ends like the file but is much shorter', () => {
    const file = ['a', ...Array.from({ length: 20 }, (_, i) => `line ${i}`), 'z'].join('\n');
    assert.equal(looksLikeWholeFile('a\nz', file), false);
    assert.equal(looksLikeWholeFile(['a', ...Array.from({ length: 9 }, (_, i) => `new ${i}`), 'z'].join('\n'), file), true);
  });

  it('takes any block for an empty file, and never an empty block', () => {
    assert.equal(looksLikeWholeFile('x = 1', '\n\n'), true);
    assert.equal(looksLikeWholeFile('  \n', FILE), false);
  });
});

describe('apply: the edit', () => {
  it('replaces whole lines with the block at their indentation', () => {
    const edit = planEdit(FILE, '\n', "const lines = text.split(/\\r?\\n/);\nreturn lines.filter(Boolean).length;\n", {
      kind: 'span',
      span: { startLine: 4, startCharacter: 0, endLine: 5, endCharacter: 24 },
    });
    assert.deepEqual(edit.span, { startLine: 4, startCharacter: 0, endLine: 5, endCharacter: 24 });
    const after = splitLines(applyPlanned(FILE, '\n', edit));
    assert.deepEqual(after.slice(3, 7), ['  count(text: string): number {', '    const lines = text.split(/\\r?\\n/);', '    return lines.filter(Boolean).length;', '  }']);
    assert.equal(after.length, splitLines(FILE).length, 'nothing else moved');
  });

  it('replaces only the part of a line a selection was, keeping the rest of the line', () => {
    const text = 'const n = count(a, b);\n';
    const edit = planEdit(text, '\n', 'count(a, b, c)', { kind: 'span', span: { startLine: 0, startCharacter: 10, endLine: 0, endCharacter: 21 } });
    assert.equal(applyPlanned(text, '\n', edit), 'const n = count(a, b, c);\n');
  });

  it('reads a selection of whole lines (ending at the next line) and one from inside the indentation as whole lines', () => {
    const lines = splitLines(FILE);
    assert.deepEqual(normalizeSpan(lines, { startLine: 4, startCharacter: 2, endLine: 6, endCharacter: 0 }), { startLine: 4, startCharacter: 0, endLine: 5, endCharacter: 24 });
  });

  it('replaces the whole file with the block as it is, keeping the final line break and the file’s CRLF', () => {
    const crlf = FILE.replace(/\n/g, '\r\n');
    const block = 'export const x = 1;\n  // kept as written\n';
    const edit = planEdit(crlf, '\r\n', block, { kind: 'wholeFile' });
    assert.equal(applyPlanned(crlf, '\r\n', edit), 'export const x = 1;\r\n  // kept as written\r\n');
    assert.equal(applyPlanned('a', '\n', planEdit('a', '\n', 'b\n', { kind: 'wholeFile' })), 'b', 'no final line break added where there was none');
  });

  it('finds the replaced text again after lines were added above it, and gives up when it is gone', () => {
    const span = { startLine: 4, startCharacter: 0, endLine: 5, endCharacter: 24 };
    const replaced = "    const lines = text.split('\\n');\n    return lines.length;";
    assert.deepEqual(relocate(FILE, replaced, span), span);
    const moved = `// a new comment\n// and another\n${FILE}`;
    assert.deepEqual(relocate(moved, replaced, span), { startLine: 6, startCharacter: 0, endLine: 7, endCharacter: 24 });
    assert.equal(relocate(FILE.replace('return lines.length', 'return 0'), replaced, span), undefined);
  });
});

describe('apply: the code a question quoted', () => {
  const quoted = quoteSelection({ text: "    const lines = text.split('\\n');\n    return lines.length;\n", languageId: 'typescript', fileName: 'src/counter.ts', startLine: 5, endLine: 6 });

  it('reads back the quotes "Ask Coze in Chat" and the quick fixes write', () => {
    const question = `${quoted}\nWhy is this slow?\n\n${quoteSelection({ text: 'x', languageId: 'go', fileName: 'a.go', startLine: 3, endLine: 3 })}`;
    const quotes = parseQuotes(question);
    assert.deepEqual(quotes, [
      { fileName: 'src/counter.ts', startLine: 5, endLine: 6, code: "    const lines = text.split('\\n');\n    return lines.length;", language: 'typescript' },
      { fileName: 'a.go', startLine: 3, endLine: 3, code: 'x', language: 'go' },
    ]);
    assert.equal(quoteLabel(quotes[0]!), 'src/counter.ts:5-6');
    assert.equal(quoteLabel(quotes[1]!), 'a.go:3');
  });

  it('reads a quote whose code holds fences (a longer fence closes it) and skips an unclosed one', () => {
    const code = 'Use ```js``` here';
    const [quote] = parseQuotes(quoteSelection({ text: code, languageId: 'markdown', fileName: 'README.md', startLine: 1, endLine: 1 }));
    assert.equal(quote?.code, code);
    assert.deepEqual(parseQuotes('`a.ts:1`\n```ts\nno end'), []);
    assert.deepEqual(parseQuotes('no quote at all'), []);
  });

  it('finds the quoted lines where they were, or where they moved, and not when they changed', () => {
    const [quote] = parseQuotes(quoted);
    assert.deepEqual(locateQuote(FILE, quote!), { startLine: 4, startCharacter: 0, endLine: 5, endCharacter: 24 });
    assert.deepEqual(locateQuote(`\n\n${FILE}`, quote!), { startLine: 6, startCharacter: 0, endLine: 7, endCharacter: 24 });
    assert.equal(locateQuote(FILE.replace('lines.length', 'lines.size'), quote!), undefined);
  });

  it('finds a quote of part of a line inside its line', () => {
    const [quote] = parseQuotes(quoteSelection({ text: 'text.split', languageId: 'typescript', fileName: 'c.ts', startLine: 5, endLine: 5 }));
    assert.deepEqual(locateQuote(FILE, quote!), { startLine: 4, startCharacter: 18, endLine: 4, endCharacter: 28 });
  });
});

describe('apply: the askCoze.applyCodeBlock argument', () => {
  it('takes code with or without a target, and lines only with a file', () => {
    assert.deepEqual(parseApplyArgs({ code: 'x' }), { code: 'x' });
    assert.deepEqual(parseApplyArgs({ code: 'x', uri: 'file:///a.ts', startLine: 2, endLine: 3 }), { code: 'x', uri: 'file:///a.ts', startLine: 2, endLine: 3 });
    assert.equal(parseApplyArgs({ code: 'x', startLine: 2, endLine: 3 }), undefined);
    assert.equal(parseApplyArgs({ code: 'x', uri: 'file:///a.ts', startLine: 3, endLine: 2 }), undefined);
    assert.equal(parseApplyArgs({ code: 'x', uri: 'file:///a.ts', startLine: 0, endLine: 2 }), undefined);
    assert.equal(parseApplyArgs('x'), undefined);
  });
});
