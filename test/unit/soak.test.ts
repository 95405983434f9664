// A short soak for CI (the full 1,000 + 20 runs in `npm run bench`, test/load/soak.ts): 200 questions in a row and
// 20 at once through one real client each, stream and poll mixed. Every answer must be exact, the limiter's
// grants at least minIntervalMs apart, and nothing left behind: sockets, timers, 'abort' listeners, warnings.

import { strict as assert } from 'node:assert';
import { runSoak } from '../load/soak';

describe('Soak (200 in a row + 20 at once)', () => {
  it('answers all correctly, spaces request starts, leaks no sockets, timers or listeners', async function () {
    this.timeout(60_000);
    const r = await runSoak({ sequential: 200, concurrent: 20, minIntervalMs: { sequential: 1, concurrent: 5 } });
    assert.deepEqual(r.failures, []);
    const [seq, conc] = r.phases;
    assert.equal(seq!.correct, 200);
    assert.equal(conc!.correct, 20);
    assert.ok(seq!.minGrantGapMs >= 1, `sequential grants ${seq!.minGrantGapMs} ms apart`);
    assert.ok(conc!.minGrantGapMs >= 5, `concurrent grants ${conc!.minGrantGapMs} ms apart`);
    // 1 call per streamed question, 3+ per polled one (chat, polls, message list).
    assert.ok(seq!.requests >= 200 + 50 * 2);
    assert.equal(r.openConnectionsAfterClose, 0);
    assert.ok(r.timersAfter <= r.timersBefore, `${r.timersAfter} timers after, ${r.timersBefore} before`);
    assert.equal(r.abortListenersAfter, 0);
    assert.deepEqual(r.warnings, []);
  });
});
