import * as assert from 'node:assert/strict';
import { distinctQuotes, fenceNameOf, firstCodeLine, languageFamily, likelihoodOrder, resemblance } from '../../src/apply/likelyQuote';
import { parseQuotes, type QuotedCode } from '../../src/apply/quotedCode';
import { quoteSelection, quoteSelections } from '../../src/chat/selectionQuote';

// Apply when a question quoted several pieces of code: which piece the picker preselects (src/apply/likelyQuote.ts).

const quote = (fileName: string, code: string, language?: string, startLine = 1): QuotedCode => ({
  fileName,
  startLine,
  endLine: startLine + code.split('\n').length - 1,
  code,
  ...(language ? { language } : {}),
});

const SUM = ['def total(items):', '    result = 0', '    for item in items:', '        result += item.price', '    return reslt'].join('\n');
const COUNT = ['function count(text: string): number {', "  return text.split('\\n').length;", '}'].join('\n');

describe('apply picker: the language of a fence', () => {
  it('maps the names bots and VS Code use for one language to one family', () => {
    for (const name of ['ts', 'typescript', 'TypeScript', 'tsx', 'typescriptreact']) assert.equal(languageFamily(name), 'typescript', name);
    for (const name of ['py', 'python', 'python3']) assert.equal(languageFamily(name), 'python', name);
    for (const name of ['sh', 'bash', 'shellscript', 'zsh']) assert.equal(languageFamily(name), 'shell', name);
    assert.equal(languageFamily('c++'), 'cpp');
    assert.equal(languageFamily('elixir'), 'elixir', 'an unlisted name stands for itself');
  });

  it('reads the first word of an info string, and knows names that say nothing', () => {
    assert.equal(languageFamily('ts title="a.ts"'), 'typescript');
    assert.equal(languageFamily('python:main.py'), 'python');
    assert.equal(languageFamily('{python}'), 'python');
    for (const name of [undefined, '', '  ', 'text', 'plaintext', 'diff']) assert.equal(languageFamily(name), undefined, String(name));
  });

  it('finds the fence name of the answer block that holds the code', () => {
    const answer = `Two ways:\n\n\`\`\`js\nconst a = 1;\n\`\`\`\n\nor, typed:\n\n\`\`\`ts\nconst a: number = 1;\n\`\`\`\n`;
    assert.equal(fenceNameOf(answer, 'const a: number = 1;\n'), 'ts');
    assert.equal(fenceNameOf(answer, 'const a = 1;'), 'js');
    assert.equal(fenceNameOf(answer, 'const b = 2;'), undefined, 'not a block of this answer');
    assert.equal(fenceNameOf('```\nplain\n```', 'plain'), '', 'a block without a name');
  });

  it('finds a block indented in a list, fenced with tildes or longer fences, or cut off by Stop', () => {
    assert.equal(fenceNameOf('1. Fix it:\n   ```python\n   x = 1\n   y = 2\n   ```\n', 'x = 1\ny = 2'), 'python');
    assert.equal(fenceNameOf('~~~go\nfmt.Println("```")\n~~~', 'fmt.Println("```")'), 'go');
    assert.equal(fenceNameOf('````md\n```js\nx\n```\n````', '```js\nx\n```'), 'md');
    assert.equal(fenceNameOf('Here:\n```rust\nfn main() {\n', 'fn main() {'), 'rust');
  });
});

describe('apply picker: the likeliest piece', () => {
  it('prefers the piece the block resembles: a fix of the second piece makes the second likeliest', () => {
    const fixed = SUM.replace('return reslt', 'return result');
    assert.deepEqual(likelihoodOrder(fixed, [quote('a.ts', COUNT), quote('b.py', SUM)]), [1, 0]);
    assert.deepEqual(likelihoodOrder(COUNT.replace('length', 'length - 1'), [quote('a.ts', COUNT), quote('b.py', SUM)]), [0, 1]);
  });

  it('counts shared names when every line changed', () => {
    const rewritten = 'def total(items):\n    return sum(item.price for item in items)';
    assert.ok(resemblance(rewritten, SUM) > resemblance(rewritten, COUNT));
    assert.deepEqual(likelihoodOrder(rewritten, [quote('a.ts', COUNT), quote('b.py', SUM)]), [1, 0]);
  });

  it('puts the piece in the block’s language first, even when the block resembles neither', () => {
    const block = 'export const x = 1;';
    const quotes = [quote('a.py', 'y = 2', 'python'), quote('b.ts', 'let z = 3;', 'typescript')];
    assert.deepEqual(likelihoodOrder(block, quotes, 'ts'), [1, 0]);
    assert.deepEqual(likelihoodOrder(block, quotes, 'python'), [0, 1]);
    // A piece of unknown language comes before one in another language.
    assert.deepEqual(likelihoodOrder(block, [quote('a.py', 'y = 2', 'python'), quote('notes', 'z')], 'ts'), [1, 0]);
  });

  it('uses the languages the quotes of "Ask Coze in Chat" carry', () => {
    const question = `${quoteSelections([
      { text: 'x = 1\n', languageId: 'python', fileName: 'a.py', startLine: 1, endLine: 1 },
      { text: 'echo hi\n', languageId: 'shellscript', fileName: 'run.sh', startLine: 4, endLine: 4 },
    ])}Which is wrong?`;
    const quotes = parseQuotes(question);
    assert.deepEqual(quotes.map((q) => q.language), ['python', 'bash']);
    assert.deepEqual(likelihoodOrder('printf "hi\\n"', quotes, 'sh'), [1, 0]);
  });

  it('then the closest in size, then the question’s order', () => {
    const small = quote('a.ts', 'a();');
    const large = quote('b.ts', 'b();\nc();\nd();\ne();');
    assert.deepEqual(likelihoodOrder('x();\ny();\nz();', [small, large]), [1, 0]);
    assert.deepEqual(likelihoodOrder('x();', [small, large]), [0, 1]);
    assert.deepEqual(likelihoodOrder('q();', [quote('a.ts', 'a();'), quote('b.ts', 'b();')]), [0, 1], 'a tie keeps the order');
  });

  it('drops repeated quotes, keeping the first of each; two ranges of one file stay two', () => {
    const one = quote('a.ts', 'x', undefined, 3);
    const items = [{ quote: one }, { quote: { ...one } }, { quote: quote('a.ts', 'x', undefined, 9) }];
    const distinct = distinctQuotes(items);
    assert.equal(distinct.length, 2);
    assert.equal(distinct[0], items[0]);
    assert.equal(distinct[1], items[2]);
  });

  it('shows the first line with code on it, cut to length', () => {
    assert.equal(firstCodeLine('\n\n    return reslt\n}'), 'return reslt');
    assert.equal(firstCodeLine('x'.repeat(150), 100), `${'x'.repeat(99)}…`);
    assert.equal(firstCodeLine(''), '');
  });

  it('reads the language of a single quote, and none for a fence without a name', () => {
    assert.equal(parseQuotes(quoteSelection({ text: 'x', languageId: 'typescript', fileName: 'a.ts', startLine: 1, endLine: 1 }))[0]?.language, 'typescript');
    assert.equal('language' in parseQuotes('`a:1`\n```\nx\n```')[0]!, false);
  });
});
