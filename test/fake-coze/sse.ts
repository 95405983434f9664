// SSE bytes: event formatting and how the output is cut into socket writes.

import type { ServerResponse } from 'node:http';
import type { Chunking, FakeBehavior, SseFormat } from './behavior';
import type { Fault } from './faults';
import { seededRandom, type Timers } from './util';

/** One event: `event:<name>` line, one `data:<single-line>` line, blank line (docs/coze-api.md#event-format). */
export function formatEvent(name: string, dataLine: string, fmt: SseFormat): string {
  const sep = fmt.spaceAfterColon ? ': ' : ':';
  const nl = fmt.crlf ? '\r\n' : '\n';
  return `event${sep}${name}${nl}data${sep}${dataLine}${nl}${nl}`;
}

/**
 * The SSE format a chat's stream is written in. Studio (hertz-contrib/sse) always writes `event:`/`data:` without
 * a space, LF line ends, and ends with its own `conversation.stream.done` instead of `done`
 * (docs/coze-api.md#coze-studio): the `sse` behavior only shapes cloud streams.
 */
export function streamFormat(behavior: FakeBehavior): SseFormat {
  return behavior.dialect === 'studio' ? { spaceAfterColon: false, crlf: false, done: 'none' } : behavior.sse;
}

/** The `done` event's data line, or undefined when the format omits `done` (self-hosted Coze Studio does). */
export function doneDataLine(fmt: SseFormat): string | undefined {
  if (fmt.done === 'none') return undefined;
  return fmt.done === 'bare' ? '[DONE]' : '"[DONE]"';
}

export type WritePlan = { kind: 'chunking'; chunking: Chunking; seed: number } | { kind: 'drip'; bytesPerWrite: number; intervalMs: number };

/** Raw write: resolves when the bytes are handed to the socket, rejects if the connection is gone. */
export type RawWrite = (chunk: Buffer) => Promise<void>;

/** Writes to a streamed reply, failing once the client has gone (its socket closed), so a stream stops there. */
export function responseWrite(res: ServerResponse, gone: () => boolean): RawWrite {
  return (chunk) =>
    new Promise<void>((resolve, reject) => {
      if (gone()) return reject(new Error('connection closed'));
      const onClose = (): void => reject(new Error('connection closed'));
      res.once('close', onClose);
      res.write(chunk, (err) => {
        res.off('close', onClose);
        if (err) reject(err);
        else resolve();
      });
    });
}

/** How a stream is cut into writes: the slow-drip fault's, or the behaviour's chunking. */
export function writePlan(fault: Fault | undefined, chunking: Chunking, seed: number): WritePlan {
  return fault?.kind === 'slow-drip'
    ? { kind: 'drip', bytesPerWrite: fault.bytesPerWrite, intervalMs: fault.intervalMs }
    : { kind: 'chunking', chunking, seed };
}

const RANDOM_MAX = 48;

/**
 * Cuts the SSE output into writes. With byte chunking a remainder shorter than one write waits for the next
 * event (the whole output is re-split, so a write can span two events); flush() sends it.
 */
export class SseWriter {
  private pending = Buffer.alloc(0);
  private readonly nextSize: () => number;
  private size: number;
  private wroteOnce = false;

  constructor(
    private readonly raw: RawWrite,
    private readonly plan: WritePlan,
    private readonly timers: Timers,
  ) {
    if (plan.kind === 'drip') {
      this.nextSize = () => plan.bytesPerWrite;
    } else if (plan.chunking === 'random') {
      const rnd = seededRandom(plan.seed);
      this.nextSize = () => 1 + Math.floor(rnd() * RANDOM_MAX);
    } else if (plan.chunking === 'event') {
      this.nextSize = () => Number.POSITIVE_INFINITY;
    } else {
      const n = Math.max(1, Math.floor(plan.chunking.bytes));
      this.nextSize = () => n;
    }
    this.size = this.nextSize();
  }

  async send(text: string): Promise<void> {
    const bytes = Buffer.from(text, 'utf8');
    if (this.plan.kind === 'chunking' && this.plan.chunking === 'event') {
      await this.raw(bytes);
      return;
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, bytes]) : bytes;
    while (this.pending.length >= this.size) {
      const chunk = this.pending.subarray(0, this.size);
      this.pending = this.pending.subarray(this.size);
      this.size = this.nextSize();
      await this.writeOne(chunk);
    }
    // A drip never holds bytes back: it is about pacing, not about where the cuts are.
    if (this.plan.kind === 'drip') await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = this.pending;
    this.pending = Buffer.alloc(0);
    await this.writeOne(chunk);
  }

  private async writeOne(chunk: Buffer): Promise<void> {
    if (this.plan.kind === 'drip' && this.wroteOnce && this.plan.intervalMs > 0) await this.timers.sleep(this.plan.intervalMs);
    this.wroteOnce = true;
    await this.raw(Buffer.from(chunk));
  }
}
