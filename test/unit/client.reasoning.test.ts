// A deep-thinking model's reasoning_content (docs/coze-api.md#reasoning): kept apart as `reasoning`, in progress
// and in the answer, in both modes — never part of `text`.

import { strict as assert } from 'node:assert';
import type { AskProgress } from '../../src/coze';
import { AnswerBuilder, addMessages } from '../../src/coze/answerBuilder';
import { useFakeCoze } from './cozeTestKit';

const THINKING = '先想一想：用户问的是 X。Then check Y. 最后得出结论。';

describe('CozeClient reasoning (against the fake server)', () => {
  const kit = useFakeCoze();

  it('stream: reasoning arrives first, in progress reports of its own, and never in the text', async () => {
    kit.fake.setBehavior({ answers: ['The answer.'], reasoning: THINKING, deltaSize: 4 });
    const progress: AskProgress[] = [];
    const answer = await kit.client().ask('Q', { onProgress: (p) => progress.push({ ...p }) });
    assert.equal(answer.text, 'The answer.');
    assert.equal(answer.reasoning, THINKING);
    assert.deepEqual(answer.answers, ['The answer.']);
    const thinkingOnly = progress.filter((p) => p.reasoning !== '' && p.text === '');
    // Each reasoning-only delta (empty content) is reported.
    assert.ok(thinkingOnly.length >= Math.ceil(Array.from(THINKING).length / 4), `${thinkingOnly.length} reports while thinking`);
    for (const p of progress) {
      assert.ok(THINKING.startsWith(p.reasoning), 'reasoning grows by prefixes');
      assert.ok(!p.text.includes('先想'), 'no reasoning in the text');
    }
  });

  it('poll: reasoning comes from the message list', async () => {
    kit.fake.setBehavior({ answers: ['Polled answer.'], reasoning: THINKING });
    const answer = await kit.client().ask('Q', { mode: 'poll' });
    assert.equal(answer.text, 'Polled answer.');
    assert.equal(answer.reasoning, THINKING);
  });

  it('a model without reasoning gives the empty string, in progress too', async () => {
    const progress: AskProgress[] = [];
    const answer = await kit.client().ask('Q', { onProgress: (p) => progress.push(p) });
    assert.equal(answer.reasoning, '');
    assert.ok(progress.every((p) => p.reasoning === ''));
  });
});

describe('AnswerBuilder reasoning', () => {
  it('keeps reasoning and text apart per message, and joins messages with a blank line', () => {
    const b = new AnswerBuilder();
    b.delta({ id: 'a', type: 'answer', content: '', reasoning_content: 'think ' });
    b.delta({ id: 'a', type: 'answer', content: '', reasoning_content: 'more' });
    assert.equal(b.reasoning, 'think more');
    assert.equal(b.text, '');
    b.delta({ id: 'a', type: 'answer', content: 'Hello', reasoning_content: '' });
    b.delta({ id: 'b', type: 'answer', content: 'World', reasoning_content: 'second' });
    assert.equal(b.text, 'Hello\n\nWorld');
    assert.equal(b.reasoning, 'think more\n\nsecond');
    // An empty completed message keeps what the deltas built; a full one replaces it.
    b.completed({ id: 'a', type: 'answer', content: 'Hello', reasoning_content: '' });
    assert.equal(b.reasoning, 'think more\n\nsecond');
    b.completed({ id: 'b', type: 'answer', content: 'World', reasoning_content: 'second, corrected' });
    assert.equal(b.reasoning, 'think more\n\nsecond, corrected');
  });

  it('the message list brings reasoning_content too, and verbose/follow-up messages never do', () => {
    const b = new AnswerBuilder();
    addMessages(b, [
      { id: 'v', type: 'verbose', content: '{}', reasoning_content: 'NO' },
      { id: 'a', type: 'answer', content: 'A', content_type: 'text', reasoning_content: 'why' },
    ]);
    assert.equal(b.reasoning, 'why');
    assert.equal(b.text, 'A');
  });

  it('appending reasoning to the last message stays linear (100 000 deltas)', () => {
    const b = new AnswerBuilder();
    for (let i = 0; i < 100_000; i++) {
      b.delta({ id: 'a', type: 'answer', content: '', reasoning_content: 'x' });
      // Read both on every delta, as progress does.
      if (b.reasoning.length !== i + 1 || b.text !== '') assert.fail('wrong length');
    }
  });
});
