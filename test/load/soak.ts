// Soak: many questions through the real client against the in-process fake server, then an inventory of what is
// left behind. Used by `npm run bench` (1,000 in a row + 20 at once) and, smaller, by test/unit/soak.test.ts.
//
// What is checked:
// - every answer is exactly the fake's answer for that question (stream and poll mixed: every 4th polls);
// - request starts respect minIntervalMs: the rate limiter's grant instants (its own clock, read at the grant),
//   not the arrival times at the fake, which jitter with the event loop;
// - nothing leaks: open sockets at the fake after close(), active timers (process.getActiveResourcesInfo()),
//   'abort' listeners left on the caller's signal, process warnings (MaxListenersExceeded…);
// - heap used after a full GC before and after (only meaningful with --expose-gc; printed, never asserted).

import { getEventListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { CozeClient, RateLimiter } from '../../src/coze';
import { scriptFor } from '../fake-coze/answers';
import { FakeCozeServer } from '../fake-coze/server';

export interface SoakOptions {
  sequential: number;
  concurrent: number;
  /** minIntervalMs of the client in the sequential run and in the concurrent run. */
  minIntervalMs: { sequential: number; concurrent: number };
  log?: (line: string) => void;
}

export interface SoakPhase {
  label: string;
  questions: number;
  correct: number;
  requests: number;
  minIntervalMs: number;
  /** Smallest gap between two consecutive limiter grants, ms. */
  minGrantGapMs: number;
  durationMs: number;
}

export interface SoakResult {
  phases: SoakPhase[];
  failures: string[];
  openConnectionsAfterClose: number;
  timersBefore: number;
  timersAfter: number;
  abortListenersAfter: number;
  warnings: string[];
  heapBeforeBytes: number;
  heapAfterBytes: number;
  gcForced: boolean;
}

const TOKEN = 'pat_test_token';
const BOT_ID = '7445600453913968691';

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  return getHeapStatistics().used_heap_size;
}

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

/**
 * Notes every grant of every RateLimiter (the instant the limiter itself took as the start) until the returned
 * function is called. With minIntervalMs > 0 the limiter grants one waiter per wake-up, so the value read right
 * after the grant is that grant's own instant.
 */
export function recordGrants(grants: number[]): () => void {
  const proto = RateLimiter.prototype;
  const original = proto.acquire;
  proto.acquire = function (this: RateLimiter, ...args: Parameters<RateLimiter['acquire']>): Promise<void> {
    return original.apply(this, args).then(() => {
      grants.push((this as unknown as { lastStart: number }).lastStart);
    });
  };
  return () => {
    proto.acquire = original;
  };
}

function minGap(times: number[]): number {
  const s = [...times].sort((a, b) => a - b);
  let m = Number.POSITIVE_INFINITY;
  for (let i = 1; i < s.length; i++) m = Math.min(m, s[i]! - s[i - 1]!);
  return m;
}

export async function runSoak(opts: SoakOptions): Promise<SoakResult> {
  const log = opts.log ?? (() => undefined);
  const failures: string[] = [];
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);

  const fake = await FakeCozeServer.start({
    tokens: [TOKEN],
    behavior: { completeAfterMs: 3, deltaIntervalMs: 0, deltaSize: 48, followUps: [] },
  });
  const behavior = fake.getBehavior();
  const expected = (q: string) => scriptFor(q, 1, behavior).answers.join('\n\n');
  const caller = new AbortController(); // one long-lived signal for the questions in a row: must not collect listeners
  const phases: SoakPhase[] = [];
  let timersBefore = 0;
  let timersAfter = 0;
  let heapBeforeBytes = 0;
  let heapAfterBytes = 0;
  let open = -1;
  let abortListenersAfter = -1;

  type Ask = (q: string, i: number, signal?: AbortSignal) => Promise<boolean>;
  const phase = async (label: string, minIntervalMs: number, run: (ask: Ask) => Promise<number>) => {
    const grants: number[] = [];
    const client = new CozeClient({
      baseUrl: fake.url,
      token: TOKEN,
      botId: BOT_ID,
      userId: 'soak',
      minIntervalMs,
      pollIntervalMs: 2,
      maxRetries: 0,
      requestTimeoutMs: 10_000,
    });
    const ask = async (q: string, i: number, signal: AbortSignal = caller.signal): Promise<boolean> => {
      const a = await client.ask(q, { mode: i % 4 === 3 ? 'poll' : 'stream', signal });
      const ok = a.text === expected(q);
      if (!ok && failures.length < 5) failures.push(`${label}: wrong answer to ${JSON.stringify(q)}`);
      return ok;
    };
    const before = fake.requests.length;
    const restore = recordGrants(grants);
    const t0 = performance.now();
    let correct = 0;
    try {
      correct = await run(ask);
    } catch (e) {
      failures.push(`${label}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      restore();
      await client.close();
    }
    const p: SoakPhase = {
      label,
      questions: 0,
      correct,
      requests: fake.requests.length - before,
      minIntervalMs,
      minGrantGapMs: minGap(grants),
      durationMs: performance.now() - t0,
    };
    phases.push(p);
    if (grants.length !== p.requests) failures.push(`${label}: ${grants.length} limiter grants for ${p.requests} requests`);
    if (minIntervalMs > 0 && p.minGrantGapMs < minIntervalMs) failures.push(`${label}: limiter grants ${p.minGrantGapMs.toFixed(3)} ms apart (< ${minIntervalMs})`);
    return p;
  };

  try {
    // Warm up (module code, JIT, the first connection), so "before" is measured on a process in its steady state.
    const warm = new CozeClient({ baseUrl: fake.url, token: TOKEN, botId: BOT_ID, userId: 'warm', minIntervalMs: 0, pollIntervalMs: 2 });
    await warm.ask('warm up');
    await warm.ask('warm up', { mode: 'poll' });
    await warm.close();
    fake.reset();
    timersBefore = activeTimers();
    heapBeforeBytes = heapAfterGc();

    const seq = await phase(`${opts.sequential} in a row`, opts.minIntervalMs.sequential, async (ask) => {
      let ok = 0;
      for (let i = 0; i < opts.sequential; i++) if (await ask(`soak question ${i}: 扣子 ${'x'.repeat(i % 7)}`, i)) ok++;
      return ok;
    });
    seq.questions = opts.sequential;
    log(`soak: ${seq.label}: ${seq.correct}/${seq.questions} correct, ${seq.requests} requests, ${Math.round(seq.durationMs)} ms`);

    const conc = await phase(`${opts.concurrent} at once`, opts.minIntervalMs.concurrent, async (ask) => {
      // One controller per question, as a UI has (a Stop button per answer); the client's own close signal is
      // shared by all of them.
      const controllers = Array.from({ length: opts.concurrent }, () => new AbortController());
      const results = await Promise.all(controllers.map((c, i) => ask(`concurrent question ${i}`, i, c.signal)));
      const left = controllers.reduce((n, c) => n + getEventListeners(c.signal, 'abort').length, 0);
      if (left) failures.push(`${left} 'abort' listeners left on the questions' signals`);
      return results.filter(Boolean).length;
    });
    conc.questions = opts.concurrent;
    log(`soak: ${conc.label}: ${conc.correct}/${conc.questions} correct, ${conc.requests} requests, ${Math.round(conc.durationMs)} ms`);

    for (const p of phases) if (p.correct !== p.questions) failures.push(`${p.label}: ${p.questions - p.correct} wrong answers`);
  } finally {
    // Clients are closed: their sockets must be gone once the fake has seen the FINs.
    const deadline = performance.now() + 2000;
    while (fake.openConnections() > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    open = fake.openConnections();
    fake.reset(); // the fake's own completion timers
    await new Promise((r) => setTimeout(r, 5));
    timersAfter = activeTimers();
    heapAfterBytes = heapAfterGc();
    await fake.close();
    process.off('warning', onWarning);
    abortListenersAfter = getEventListeners(caller.signal, 'abort').length;
  }
  if (open !== 0) failures.push(`${open} sockets still open at the fake after close()`);
  if (timersAfter > timersBefore) failures.push(`${timersAfter - timersBefore} timers left behind`);
  if (abortListenersAfter !== 0) failures.push(`${abortListenersAfter} 'abort' listeners left on the caller's signal`);
  if (warnings.length) failures.push(`process warnings: ${warnings.join('; ')}`);
  return {
    phases,
    failures,
    openConnectionsAfterClose: open,
    timersBefore,
    timersAfter,
    abortListenersAfter,
    warnings,
    heapBeforeBytes,
    heapAfterBytes,
    gcForced: typeof (globalThis as { gc?: unknown }).gc === 'function',
  };
}
