// Small helpers of the fake Coze server: ids, logids, a seeded PRNG, tracked timers, code-point splitting.

import { randomBytes, randomInt } from 'node:crypto';

/** Unix seconds, as Coze's created_at / completed_at / failed_at. */
export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Issues 19-digit numeric string ids, like Coze's snowflake ids ("7445600453913968691"). They are strings on
 * the wire: a client that parses them as JS numbers loses precision, and these ids make that visible.
 */
export class IdFactory {
  private next: bigint;

  constructor() {
    // 7.3e18 + up to ~1.4e17: always 19 digits, different per server so stale ids from another run are unknown.
    this.next = 7_300_000_000_000_000_000n + BigInt(randomInt(0, 2 ** 47)) * 1000n;
  }

  id(): string {
    this.next += BigInt(1 + randomInt(0, 997));
    return this.next.toString();
  }
}

/** A fresh logid: UTC timestamp (14 digits) + 20 upper-case hex chars = 34 chars, the shape of real x-tt-logid values. */
export function newLogId(): string {
  const d = new Date();
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const stamp =
    p(d.getUTCFullYear(), 4) + p(d.getUTCMonth() + 1) + p(d.getUTCDate()) + p(d.getUTCHours()) + p(d.getUTCMinutes()) + p(d.getUTCSeconds());
  return stamp + randomBytes(10).toString('hex').toUpperCase();
}

/** mulberry32: tiny deterministic PRNG, so 'random' chunking is reproducible from `seed`. Returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Splits text into pieces of `size` Unicode code points: never inside a surrogate pair. */
export function splitCodePoints(text: string, size: number): string[] {
  const points = Array.from(text);
  const out: string[] = [];
  const n = Math.max(1, Math.floor(size));
  for (let i = 0; i < points.length; i += n) out.push(points.slice(i, i + n).join(''));
  return out;
}

/**
 * Every timer of the server goes through here, so close() can clear them all: no leaked timer keeps the test
 * process alive. After close(), set() does nothing and sleep() never resolves (its caller's socket is gone anyway).
 */
export class Timers {
  private readonly handles = new Set<NodeJS.Timeout>();
  private closed = false;

  set(fn: () => void, ms: number): NodeJS.Timeout | undefined {
    if (this.closed) return undefined;
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      fn();
    }, Math.max(0, ms));
    this.handles.add(handle);
    return handle;
  }

  clear(handle: NodeJS.Timeout | undefined): void {
    if (handle === undefined) return;
    clearTimeout(handle);
    this.handles.delete(handle);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.set(resolve, ms);
    });
  }

  clearAll(): void {
    for (const h of this.handles) clearTimeout(h);
    this.handles.clear();
  }

  close(): void {
    this.closed = true;
    this.clearAll();
  }

  get pending(): number {
    return this.handles.size;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
