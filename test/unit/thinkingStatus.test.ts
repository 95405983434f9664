import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { summaryCarriesStatus, thinkingPhase, thinkingSummary } from '../../src/webview/shared/thinking';

// "Thinking" said once: while a reasoning model thinks, the Thinking block's summary carries the turn's status
// line ("Thinking · 3 s", the host's words and time) and the status line is left out (src/webview/shared/turn.ts
// hides it then); without reasoning, and once the answer has begun, the status line is as before. The browser
// test test/e2e/ui/thinkingStatus.test.ts checks the same on screen in both views.

const STRINGS = { thinking: 'Thinking…', thoughtFor: 'Thought for {0} s', thoughts: 'Thought process' };

describe('Thinking, said once: the summary carries the status while the model thinks', () => {
  it('says the status line\'s words and time while thinking, "Thinking…" without one', () => {
    assert.equal(thinkingSummary('thinking', undefined, STRINGS, 'Thinking · 3 s'), 'Thinking · 3 s');
    assert.equal(thinkingSummary('thinking', undefined, STRINGS, '思考中 · 3 秒'), '思考中 · 3 秒');
    assert.equal(thinkingSummary('thinking', undefined, STRINGS, ''), 'Thinking…');
    assert.equal(thinkingSummary('thinking', undefined, STRINGS), 'Thinking…');
  });

  it('once the answer has begun or the turn ended, the summary says how long it thought, never the status', () => {
    assert.equal(thinkingSummary('thought', 4200, STRINGS, 'Thinking · 6 s'), 'Thought for 4 s');
    assert.equal(thinkingSummary('thought', undefined, STRINGS, 'Thinking · 6 s'), 'Thought process');
  });

  it('leaves the status line out exactly while the model thinks: with reasoning, busy, and no answer text yet', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), fc.boolean(), (reasoning, answer, busy) => {
        const phase = thinkingPhase(reasoning, answer, busy);
        assert.equal(summaryCarriesStatus(phase), reasoning !== '' && answer === '' && busy);
      }),
    );
    assert.equal(summaryCarriesStatus('none'), false, 'no reasoning: the status line stays');
    assert.equal(summaryCarriesStatus('thought'), false);
  });
});
