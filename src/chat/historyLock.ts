import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';

// A lock file per conversation, so that two VS Code windows (two extension hosts on the same global storage)
// never interleave "read the file, merge, write it" (docs/history.md). Plain Node, unit-tested
// (test/unit/historyLock.test.ts).
//
// - Taken by creating the file with `wx` (fails when it exists, on every OS and file system VS Code runs on).
//   It holds its owner (host, pid, a random token) and when it was taken.
// - A lock is stale when its owner's process is gone (same host, pid not running) or it is older than
//   `staleMs` (a writer holds it for milliseconds; a stuck or suspended one loses it): it is then taken over.
// - Two writers that both take over one stale lock could both believe they hold it, so a holder checks that
//   the file still names it (verify()) right before it renames its write into place, and starts over if not.

export interface LockOptions {
  /** A lock older than this is taken over. */
  staleMs: number;
  /** How long to wait for a held lock before giving up. */
  timeoutMs: number;
  /** Pause between attempts (a random part is added, so two waiters do not retry in step). */
  retryMs: number;
}

export const DEFAULT_LOCK_OPTIONS: LockOptions = { staleMs: 10_000, timeoutMs: 20_000, retryMs: 8 };

interface LockOwner {
  host: string;
  pid: number;
  token: string;
  at: number;
}

export class LockTimeoutError extends Error {
  constructor(readonly file: string, owner: string) {
    super(`${file} is held by ${owner}`);
    this.name = 'LockTimeoutError';
  }
}

export interface HeldLock {
  readonly file: string;
  readonly token: string;
}

/** Whether the lock is still ours (false: it was taken over as stale). */
export async function verify(lock: HeldLock): Promise<boolean> {
  const owner = parseOwner(await fsp.readFile(lock.file, 'utf8').catch(() => ''));
  return owner?.token === lock.token;
}

export function verifySync(lock: HeldLock): boolean {
  let text = '';
  try {
    text = fs.readFileSync(lock.file, 'utf8');
  } catch {
    return false;
  }
  return parseOwner(text)?.token === lock.token;
}

/** Removes the lock if it is still ours (never someone else's). */
export async function release(lock: HeldLock): Promise<void> {
  if (await verify(lock)) await fsp.rm(lock.file, { force: true });
}

export function releaseSync(lock: HeldLock): void {
  if (verifySync(lock)) fs.rmSync(lock.file, { force: true });
}

/** A lock its owner has left behind (its process ended, or it is older than staleMs). */
export async function isStale(file: string, staleMs = DEFAULT_LOCK_OPTIONS.staleMs): Promise<boolean> {
  return (await inspect(file, staleMs)).stale;
}

export async function acquire(file: string, options: LockOptions = DEFAULT_LOCK_OPTIONS): Promise<HeldLock> {
  const token = randomBytes(8).toString('hex');
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    try {
      await fsp.writeFile(file, ownerJson(token), { flag: 'wx' });
      return { file, token };
    } catch (err) {
      if (!isCode(err, 'EEXIST')) throw err;
    }
    const state = await inspect(file, options.staleMs);
    if (state.stale) {
      await fsp.rm(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new LockTimeoutError(file, state.owner);
    await new Promise((r) => setTimeout(r, options.retryMs + Math.random() * options.retryMs));
  }
}

/**
 * The same, synchronously (VS Code is shutting the extension down): undefined when the lock is still held after
 * `waitMs`, and the caller writes without it (its copy was merged with the file just before).
 */
export function acquireSync(file: string, waitMs: number, staleMs = DEFAULT_LOCK_OPTIONS.staleMs): HeldLock | undefined {
  const token = randomBytes(8).toString('hex');
  const deadline = Date.now() + waitMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      fs.writeFileSync(file, ownerJson(token), { flag: 'wx' });
      return { file, token };
    } catch (err) {
      if (!isCode(err, 'EEXIST')) throw err;
    }
    if (inspectSync(file, staleMs).stale) {
      fs.rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) return undefined;
    Atomics.wait(pause, 0, 0, 5);
  }
}

function ownerJson(token: string): string {
  const owner: LockOwner = { host: os.hostname(), pid: process.pid, token, at: Date.now() };
  return JSON.stringify(owner);
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const raw = JSON.parse(text) as Partial<LockOwner>;
    if (typeof raw.token === 'string' && typeof raw.pid === 'number' && typeof raw.host === 'string' && typeof raw.at === 'number') return raw as LockOwner;
  } catch {
    // A lock file cut short (its writer died between creating and filling it): judged by its age alone.
  }
  return undefined;
}

interface LockState {
  stale: boolean;
  /** Who holds it, for the message when waiting gives up. */
  owner: string;
}

async function inspect(file: string, staleMs: number): Promise<LockState> {
  const [text, stat] = await Promise.all([fsp.readFile(file, 'utf8').catch(() => undefined), fsp.stat(file).catch(() => undefined)]);
  return judge(text, stat?.mtimeMs, staleMs);
}

function inspectSync(file: string, staleMs: number): LockState {
  let text: string | undefined;
  let mtimeMs: number | undefined;
  try {
    text = fs.readFileSync(file, 'utf8');
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    // Released meanwhile: try again.
  }
  return judge(text, mtimeMs, staleMs);
}

function judge(text: string | undefined, mtimeMs: number | undefined, staleMs: number): LockState {
  // Gone between the failed create and now: not stale, but the next attempt will get it.
  if (text === undefined || mtimeMs === undefined) return { stale: false, owner: 'nobody' };
  const owner = parseOwner(text);
  const age = Date.now() - (owner?.at ?? mtimeMs);
  if (age > staleMs) return { stale: true, owner: 'a stale lock' };
  if (owner && owner.host === os.hostname() && !processRuns(owner.pid)) return { stale: true, owner: 'a process that has ended' };
  return { stale: false, owner: owner ? `process ${owner.pid}` : 'another writer' };
}

function processRuns(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return isCode(err, 'EPERM');
  }
}

function isCode(err: unknown, code: string): boolean {
  return !!err && typeof err === 'object' && (err as { code?: unknown }).code === code;
}
