import * as assert from 'node:assert/strict';
import { progressTail } from '../../src/progressText';

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
