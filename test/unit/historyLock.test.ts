import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { acquire, acquireSync, LockTimeoutError, release, verify } from '../../src/chat/historyLock';

// The lock file of a conversation: one holder at a time, a stale lock (dead owner, or too old) taken over, and a
// holder that lost its lock finds out before it writes.

let dir: string;
let lockFile: string;
const fast = { staleMs: 10_000, timeoutMs: 2_000, retryMs: 2 };

/** The pid of a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function writeOwner(owner: { host?: string; pid: number; at: number; token?: string }): void {
  fs.writeFileSync(lockFile, JSON.stringify({ host: os.hostname(), token: 'theirs', ...owner }));
}

describe('chat history: the lock file of a conversation', () => {
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ask-coze-lock-'));
    lockFile = path.join(dir, 'c.lock');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('has one holder at a time: the next one gets it when the first releases', async () => {
    const first = await acquire(lockFile, fast);
    let second: Awaited<ReturnType<typeof acquire>> | undefined;
    const waiting = acquire(lockFile, fast).then((l) => (second = l));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(second, undefined, 'still held by the first');
    assert.equal(await verify(first), true);
    await release(first);
    await waiting;
    assert.ok(second);
    assert.equal(await verify(second), true);
    await release(second);
    assert.equal(fs.existsSync(lockFile), false);
  });

  it('serializes many contenders: no two hold it at once', async () => {
    let holders = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const lock = await acquire(lockFile, { ...fast, timeoutMs: 10_000 });
        holders++;
        most = Math.max(most, holders);
        await new Promise((r) => setImmediate(r));
        holders--;
        await release(lock);
      }),
    );
    assert.equal(most, 1);
  });

  it('takes over the lock of a process that has ended', async () => {
    writeOwner({ pid: deadPid(), at: Date.now() });
    const lock = await acquire(lockFile, fast);
    assert.equal(await verify(lock), true);
  });

  it('takes over a lock older than staleMs, even of a live process; the old holder learns it lost it', async () => {
    const old = await acquire(lockFile, fast);
    // It has held it too long (a stuck window): rewrite its time into the past.
    const owner = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { at: number };
    fs.writeFileSync(lockFile, JSON.stringify({ ...owner, at: Date.now() - 60_000 }));
    const taker = await acquire(lockFile, fast);
    assert.equal(await verify(taker), true);
    assert.equal(await verify(old), false, 'checked before the old holder renames its write into place');
    await release(old);
    assert.equal(fs.existsSync(lockFile), true, "releasing a lost lock leaves the new holder's alone");
  });

  it('judges a lock file cut short (its writer died before filling it) by its age', async () => {
    fs.writeFileSync(lockFile, '');
    await assert.rejects(acquire(lockFile, { ...fast, timeoutMs: 50 }), LockTimeoutError, 'a fresh empty lock may be being written');
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(lockFile, past, past);
    const lock = await acquire(lockFile, fast);
    assert.equal(await verify(lock), true);
  });

  it('gives up with a clear error while a live holder keeps it', async () => {
    writeOwner({ pid: process.pid, at: Date.now() });
    await assert.rejects(acquire(lockFile, { ...fast, timeoutMs: 50 }), (err: Error) => err instanceof LockTimeoutError && /held by process \d+/.test(err.message));
  });

  it('at shutdown waits only briefly (acquireSync), then lets the caller write without it', async () => {
    const held = await acquire(lockFile, fast);
    assert.equal(acquireSync(lockFile, 20), undefined);
    await release(held);
    const lock = acquireSync(lockFile, 20);
    assert.ok(lock);
    assert.equal(await verify(lock), true);
  });
});
