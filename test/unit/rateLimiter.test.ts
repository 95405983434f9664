import { strict as assert } from 'node:assert';
import { RateLimiter, type LimiterClock } from '../../src/coze/rateLimiter';

/** A manual clock: time moves only when the test says so, so no assertion depends on wall-clock timing. */
class FakeClock implements LimiterClock {
  t = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers.delete(h as number);
  }
  get pendingTimers(): number {
    return this.timers.size;
  }
  /** Advances time to `to`, firing due timers in order, letting promise callbacks run in between. */
  async advanceTo(to: number): Promise<void> {
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= to && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
      await flush();
    }
    this.t = to;
    await flush();
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('RateLimiter', () => {
  it('lets the first request start at once', async () => {
    const clock = new FakeClock();
    const rl = new RateLimiter(100, clock);
    let started = false;
    void rl.acquire().then(() => (started = true));
    await flush();
    assert.equal(started, true);
    assert.equal(clock.pendingTimers, 0);
  });

  it('spaces starts by minIntervalMs, first come first served', async () => {
    const clock = new FakeClock();
    const rl = new RateLimiter(100, clock);
    const starts: Array<[string, number]> = [];
    for (const name of ['a', 'b', 'c', 'd']) void rl.acquire().then(() => starts.push([name, clock.now()]));
    await flush();
    assert.deepEqual(starts, [['a', 0]]);
    await clock.advanceTo(99);
    assert.equal(starts.length, 1);
    await clock.advanceTo(100);
    assert.deepEqual(starts, [['a', 0], ['b', 100]]);
    await clock.advanceTo(1000);
    assert.deepEqual(starts, [['a', 0], ['b', 100], ['c', 200], ['d', 300]]);
    assert.equal(clock.pendingTimers, 0, 'no timer left behind');
  });

  it('does not wait when the previous start is long past', async () => {
    const clock = new FakeClock();
    const rl = new RateLimiter(100, clock);
    await rl.acquire();
    clock.t = 500;
    let started = false;
    void rl.acquire().then(() => (started = true));
    await flush();
    assert.equal(started, true);
  });

  it('an aborted waiter leaves the queue with the abort reason and does not delay the others', async () => {
    const clock = new FakeClock();
    const rl = new RateLimiter(100, clock);
    const starts: Array<[string, number]> = [];
    await rl.acquire();
    const ac = new AbortController();
    const b = rl.acquire(ac.signal).then(
      () => starts.push(['b', clock.now()]),
      (e: unknown) => starts.push([`b rejected: ${String(e)}`, clock.now()]),
    );
    void rl.acquire().then(() => starts.push(['c', clock.now()]));
    await clock.advanceTo(30);
    ac.abort('stop');
    await b;
    await clock.advanceTo(100);
    // c takes the slot b would have had (100), not 100 after the abort.
    assert.deepEqual(starts, [
      ['b rejected: stop', 30],
      ['c', 100],
    ]);
    assert.equal(rl.pending, 0);
  });

  it('aborting the last waiter clears the timer', async () => {
    const clock = new FakeClock();
    const rl = new RateLimiter(100, clock);
    await rl.acquire();
    const ac = new AbortController();
    const p = rl.acquire(ac.signal);
    assert.equal(clock.pendingTimers, 1);
    ac.abort(new Error('gone'));
    await assert.rejects(p, /gone/);
    assert.equal(clock.pendingTimers, 0);
  });

  it('rejects at once for an already aborted signal', async () => {
    const rl = new RateLimiter(100, new FakeClock());
    await assert.rejects(rl.acquire(AbortSignal.abort(new Error('already'))), /already/);
  });

  it('puts urgent waiters ahead of ordinary ones, keeping the spacing', async () => {
    const clock = new FakeClock();
    const rl = new RateLimiter(50, clock);
    const order: string[] = [];
    await rl.acquire();
    void rl.acquire().then(() => order.push('poll1'));
    void rl.acquire().then(() => order.push('poll2'));
    void rl.acquire(undefined, { urgent: true }).then(() => order.push('cancel'));
    await clock.advanceTo(49);
    assert.deepEqual(order, []);
    await clock.advanceTo(50);
    assert.deepEqual(order, ['cancel']);
    await clock.advanceTo(150);
    assert.deepEqual(order, ['cancel', 'poll1', 'poll2']);
  });

  it('close() rejects every waiter and later calls', async () => {
    const clock = new FakeClock();
    const rl = new RateLimiter(100, clock);
    await rl.acquire();
    const p = rl.acquire();
    rl.close(new Error('closed'));
    await assert.rejects(p, /closed/);
    await assert.rejects(rl.acquire(), /closed/);
    assert.equal(clock.pendingTimers, 0);
  });

  it('with minIntervalMs 0 never waits', async () => {
    const clock = new FakeClock();
    const rl = new RateLimiter(0, clock);
    await Promise.all([rl.acquire(), rl.acquire(), rl.acquire()]);
    assert.equal(clock.pendingTimers, 0);
  });

  it('on the real clock, gaps between starts are at least minIntervalMs (lower bounds only)', async () => {
    const rl = new RateLimiter(20);
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 5 }, () => rl.acquire().then(() => starts.push(performance.now()))));
    for (let i = 1; i < starts.length; i++) {
      assert.ok(starts[i]! - starts[i - 1]! >= 20 - 2, `gap ${i}: ${starts[i]! - starts[i - 1]!}`);
    }
  });
});
