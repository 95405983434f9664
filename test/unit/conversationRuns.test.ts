import { strict as assert } from 'node:assert';
import { ConversationRuns } from '../../src/chat/conversationRuns';

// The chat's rules between questions, without VS Code: one answer at a time per conversation, Stop at once,
// and a question after Stop that waits until the stopped one has settled on Coze (else Coze answers 4016).

describe('ConversationRuns (the chat state machine)', () => {
  it('starts one run per conversation; a second one while it answers is refused', () => {
    const runs = new ConversationRuns<string>();
    const first = runs.begin('c1', 'q1');
    assert.ok(first);
    assert.equal(first.previous, undefined);
    assert.equal(runs.isAnswering('c1'), true);
    assert.equal(runs.begin('c1', 'q2'), undefined, 'one answer at a time');
    assert.ok(runs.begin('c2', 'other'), 'another conversation is independent');
    assert.equal(runs.busy, true);
  });

  it('stop marks the run stopped and aborts it at once, but keeps its place until it settles', async () => {
    const runs = new ConversationRuns<string>();
    const { run } = runs.begin('c1', 'q1')!;
    const stopped = runs.stop('c1');
    assert.equal(stopped, run);
    assert.equal(run.stopped, true);
    assert.equal(run.controller.signal.aborted, true);
    assert.equal(runs.isAnswering('c1'), false, 'the view shows the turn stopped at once');
    assert.equal(runs.busy, true, 'its cancel is still going out');
    assert.equal(runs.stop('c1'), undefined, 'stopping twice does nothing');
  });

  it('a question after Stop gets the stopped run as `previous` and can wait for it to settle', async () => {
    const runs = new ConversationRuns<string>();
    const { run: first } = runs.begin('c1', 'q1')!;
    runs.stop('c1');
    const next = runs.begin('c1', 'q2');
    assert.ok(next);
    assert.equal(next.previous, first);
    let settled = false;
    const waiting = next.previous!.settled.then(() => (settled = true));
    await Promise.resolve();
    assert.equal(settled, false, 'the new question waits while the cancel is going out');
    runs.end(first);
    await waiting;
    assert.equal(settled, true);
    assert.equal(runs.get('c1'), next.run, 'ending the old run leaves the new one in place');
    runs.end(next.run);
    assert.equal(runs.busy, false);
  });

  it('ending a run frees its conversation for the next question', () => {
    const runs = new ConversationRuns<string>();
    const { run } = runs.begin('c1', 'q1')!;
    runs.end(run);
    assert.equal(runs.isAnswering('c1'), false);
    const again = runs.begin('c1', 'q2');
    assert.ok(again);
    assert.equal(again.previous, undefined);
  });
});
