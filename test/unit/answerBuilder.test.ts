import { strict as assert } from 'node:assert';
import { AnswerBuilder, addMessages } from '../../src/coze/answerBuilder';

const delta = (id: string, content: string, type = 'answer') => ({ id, type, content, content_type: 'text' });

describe('AnswerBuilder', () => {
  it('appends deltas per message id, in order of first appearance, joined by a blank line', () => {
    const b = new AnswerBuilder();
    b.delta(delta('a', 'Hel'));
    b.delta(delta('b', 'Wor'));
    b.delta(delta('a', 'lo'));
    assert.equal(b.text, 'Hello\n\nWor');
    b.delta(delta('b', 'ld'));
    assert.equal(b.text, 'Hello\n\nWorld');
    assert.deepEqual(b.answers, ['Hello', 'World']);
  });

  it('completed replaces the content; an empty completed keeps what the deltas built', () => {
    const b = new AnswerBuilder();
    b.delta(delta('a', 'Draft'));
    b.completed(delta('a', 'Final text'));
    assert.equal(b.text, 'Final text');
    b.completed(delta('a', ''));
    assert.equal(b.text, 'Final text');
  });

  it('ignores reasoning_content, non-answer types and non-text answers; collects follow-ups', () => {
    const b = new AnswerBuilder();
    assert.equal(b.delta({ id: 'a', type: 'answer', content: '', reasoning_content: 'thinking' } as never), true);
    b.delta(delta('a', 'Yes'));
    assert.equal(b.completed(delta('v', '{"msg_type":"generate_answer_finish"}', 'verbose')), false);
    assert.equal(b.completed(delta('f', '{"name":"x"}', 'function_call')), false);
    assert.equal(b.completed({ id: 'c', type: 'answer', content: '{"card":1}', content_type: 'card' }), false);
    b.completed(delta('q1', 'Why?', 'follow_up'));
    b.completed(delta('q2', 'How?', 'follow_up'));
    assert.equal(b.text, 'Yes');
    assert.deepEqual(b.followUps, ['Why?', 'How?']);
  });

  it('leaves empty answers out of the text', () => {
    const b = new AnswerBuilder();
    b.delta(delta('a', ''));
    b.delta(delta('b', 'only'));
    assert.equal(b.text, 'only');
    b.delta(delta('a', 'first'));
    assert.equal(b.text, 'first\n\nonly');
  });

  it('builds from a message list by type, whatever the list order', () => {
    const b = new AnswerBuilder();
    addMessages(b, [
      { id: 'v', type: 'verbose', content: '{"msg_type":"generate_answer_finish"}', content_type: 'text', created_at: 5 },
      { id: 'f', type: 'follow_up', content: 'More?', content_type: 'text', created_at: 6 },
      { id: 'a2', type: 'answer', content: 'second', content_type: 'text', created_at: 4 },
      { id: 'a1', type: 'answer', content: 'first', content_type: 'text', created_at: 3 },
      null,
    ]);
    assert.equal(b.text, 'first\n\nsecond');
    assert.deepEqual(b.followUps, ['More?']);
  });

  it('reading the text after every one of 10,000 deltas (1 MB) stays cheap', () => {
    const b = new AnswerBuilder();
    const piece = 'y'.repeat(100);
    const t0 = performance.now();
    let len = 0;
    for (let i = 0; i < 10_000; i++) {
      b.delta(delta('a', piece));
      len = b.text.length;
    }
    const ms = performance.now() - t0;
    assert.equal(len, 1_000_000);
    assert.ok(ms < 1000, `${ms} ms`); // generous: re-joining 1 MB per delta would take many seconds
  });
});
