import * as assert from 'node:assert/strict';
import { progressTail } from '../../src/ask/progressText';

describe('progress notification text', () => {
  it('shows the end of the answer without Markdown syntax', () => {
    const md = '## Steps\n\n1. Install **undici**\n2. See [the docs](https://undici.nodejs.org)\n\n```python\nfrom pathlib import Path\n```\n';
    assert.equal(progressTail(md, 200), 'Steps Install undici See the docs from pathlib import Path');
  });

  it('keeps only the last characters of a long answer', () => {
    const out = progressTail('word '.repeat(1000), 20);
    assert.equal(out.length, 21);
    assert.ok(out.startsWith('…'));
  });

  it('is empty for an empty answer', () => {
    assert.equal(progressTail('', 80), '');
  });
});

import { looksBinary } from '../../src/ask/questionChecks';

describe('question checks', () => {
  it('flags binary-looking text', () => {
    assert.ok(looksBinary('PNG\u0000\u0001\u0002IHDR'));
    assert.ok(looksBinary('\u0001\u0002\u0003abc'.repeat(20)));
    assert.ok(looksBinary('\ufffd\ufffd\ufffd garbled '.repeat(10)));
  });

  it('accepts code, prose and Chinese text', () => {
    assert.ok(!looksBinary('function f(a) {\n\treturn a + 1;\r\n}'));
    assert.ok(!looksBinary('如何在 TypeScript 中实现函数防抖？'));
    assert.ok(!looksBinary(''));
    assert.ok(!looksBinary(`ANSI \u001b[31mred\u001b[0m in a long log line ${'x'.repeat(200)}`));
  });
});
