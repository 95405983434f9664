import * as assert from 'node:assert/strict';
import { parseQuotes } from '../../src/apply/quotedCode';
import { diagnosticCodeText, parseDiagnosticArgs } from '../../src/codeActions/diagnosticArgs';
import { CONTEXT_LINES, diagnosticQuestion, MAX_QUOTED_CHARS, MAX_QUOTED_LINES, quotedLines, sourceLabel } from '../../src/codeActions/diagnosticQuestion';

// "Ask Coze to fix / explain" on a diagnostic: which lines are quoted, and the question asked.

const STRINGS = {
  fix: 'Fix this problem on line {0} ({1}):',
  fixNoSource: 'Fix this problem on line {0}:',
  explain: 'Explain this problem on line {0} ({1}), and how to fix it:',
  explainNoSource: 'Explain this problem on line {0}, and how to fix it:',
  answerWithCode: 'Answer with the quoted lines corrected, as one code block.',
};

describe('quick fixes: the lines quoted around a problem', () => {
  const short = () => 'x'.repeat(20);

  it('quotes the problem’s lines with context around them, within the file', () => {
    assert.deepEqual(quotedLines({ startLine: 10, endLine: 11 }, 100, short), { start: 10 - CONTEXT_LINES, end: 11 + CONTEXT_LINES });
    assert.deepEqual(quotedLines({ startLine: 1, endLine: 1 }, 3, short), { start: 0, end: 2 });
    assert.deepEqual(quotedLines({ startLine: 0, endLine: 0 }, 1, short), { start: 0, end: 0 });
  });

  it('leaves out blank lines at the edges of the context, never the problem’s own', () => {
    const text = ['a', '', 'problem', '', ''];
    assert.deepEqual(quotedLines({ startLine: 2, endLine: 2 }, text.length, (line) => text[line]!), { start: 0, end: 2 });
    assert.deepEqual(quotedLines({ startLine: 3, endLine: 4 }, text.length, (line) => text[line]!), { start: 0, end: 4 });
  });

  it('cuts a long problem after MAX_QUOTED_LINES lines', () => {
    const { start, end } = quotedLines({ startLine: 50, endLine: 400 }, 1000, short);
    assert.equal(start, 50 - CONTEXT_LINES);
    assert.equal(end - start + 1, MAX_QUOTED_LINES);
  });

  it('drops the context first when the lines are too long, keeping at least the problem’s first line', () => {
    const lengths = (line: number) => 'x'.repeat(line === 10 ? 100 : 3_000);
    assert.deepEqual(quotedLines({ startLine: 10, endLine: 10 }, 100, lengths), { start: 10, end: 10 });
    const huge = () => 'x'.repeat(MAX_QUOTED_CHARS * 2);
    assert.deepEqual(quotedLines({ startLine: 5, endLine: 8 }, 100, huge), { start: 5, end: 5 });
  });
});

describe('quick fixes: the question', () => {
  const quote = { text: 'const n: number = "one";\n', languageId: 'typescript', fileName: 'src/a.ts', startLine: 3, endLine: 3 };

  it('quotes the code, names the line, the source and code, and quotes the message', () => {
    const question = diagnosticQuestion('fix', { message: "Type 'string' is not assignable to type 'number'.", source: 'ts', code: '2322', startLine: 2, endLine: 2 }, quote, STRINGS);
    assert.equal(
      question,
      [
        '`src/a.ts:3`',
        '```typescript',
        'const n: number = "one";',
        '```',
        '',
        'Fix this problem on line 3 (ts(2322)):',
        "> Type 'string' is not assignable to type 'number'.",
        '',
        'Answer with the quoted lines corrected, as one code block.',
      ].join('\n'),
    );
    // Apply reads the quote back from the question to know which lines the answer's code replaces.
    assert.deepEqual(parseQuotes(question), [{ fileName: 'src/a.ts', startLine: 3, endLine: 3, code: 'const n: number = "one";', language: 'typescript' }]);
  });

  it('explains without asking for code, and words a problem without source or code', () => {
    const question = diagnosticQuestion('explain', { message: 'Line one\n  line two', startLine: 2, endLine: 4 }, quote, STRINGS);
    assert.match(question, /\n\nExplain this problem on line 3-5, and how to fix it:\n> Line one\n>   line two$/);
    assert.doesNotMatch(question, /one code block/);
  });

  it('labels source and code as the Problems view does', () => {
    assert.equal(sourceLabel('eslint', 'no-unused-vars'), 'eslint(no-unused-vars)');
    assert.equal(sourceLabel('ts', undefined), 'ts');
    assert.equal(sourceLabel(undefined, '2322'), '2322');
    assert.equal(sourceLabel(' ', ''), '');
  });
});

describe('quick fixes: the command argument', () => {
  it('takes a diagnostic as plain data and refuses anything else', () => {
    const args = { uri: 'file:///w/a.ts', message: 'm', source: 'ts', code: '2322', startLine: 1, endLine: 2 };
    assert.deepEqual(parseDiagnosticArgs(args), args);
    assert.equal(parseDiagnosticArgs({ ...args, startLine: -1 }), undefined);
    assert.equal(parseDiagnosticArgs({ ...args, uri: '' }), undefined);
    assert.equal(parseDiagnosticArgs('file:///w/a.ts'), undefined);
  });

  it('reads every form of a diagnostic’s code', () => {
    assert.equal(diagnosticCodeText(2322), '2322');
    assert.equal(diagnosticCodeText('no-undef'), 'no-undef');
    assert.equal(diagnosticCodeText({ value: 'E501', target: {} }), 'E501');
    assert.equal(diagnosticCodeText(undefined), undefined);
    assert.equal(diagnosticCodeText({}), undefined);
  });
});
