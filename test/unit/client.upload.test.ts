// uploadFile against the fake (docs/coze-api.md#files-and-attachments): the multipart body Coze reads (field
// `file`, the file name, the exact bytes), progress, retries, cancel, refusals before sending, and the first-byte
// timer that must not fire while a large body is still being sent.

import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { MAX_UPLOAD_BYTES, isImageFileName } from '../../src/coze';
import { multipartFile } from '../../src/coze/fileUpload';
import { BOT_ID, expectCozeError, useFakeCoze } from './cozeTestKit';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const uploads = (kit: ReturnType<typeof useFakeCoze>) => kit.fake.requests.filter((r) => r.endpoint === 'upload');

describe('CozeClient.uploadFile (against the fake server)', () => {
  const kit = useFakeCoze();

  it('uploads the exact bytes as multipart field `file` with the file name', async () => {
    const data = randomBytes(300_000);
    const file = await kit.client().uploadFile({ name: '报告 "v2".pdf', data });
    const stored = kit.fake.files;
    assert.equal(stored.length, 1);
    assert.deepEqual(file, { id: stored[0]!.id, name: '报告 "v2".pdf', bytes: data.length });
    assert.equal(stored[0]!.sha256, sha256(data), 'the fake received the same bytes');
    assert.equal(stored[0]!.contentType, 'application/octet-stream');
    const rec = uploads(kit)[0]!;
    assert.match(rec.headers['content-type']!, /^multipart\/form-data; boundary=/);
    assert.equal(rec.headers['transfer-encoding'], undefined, 'a sized body, not chunked');
  });

  it('sends an image with its image type', async () => {
    await kit.client().uploadFile({ name: 'shot.PNG', data: randomBytes(10) });
    assert.equal(kit.fake.files[0]!.contentType, 'image/png');
    assert.ok(isImageFileName('shot.PNG') && !isImageFileName('main.ts'));
  });

  it('the Content-Length is exact for any name (the measured multipart framing)', async () => {
    for (const name of ['a', 'x.txt', 'ünïcödé 文件.md', 'quote"and\\backslash.c', `${'n'.repeat(300)}.py`]) {
      const body = await multipartFile(name, new Uint8Array(5));
      const { body: stream } = body.open();
      let n = 0;
      for await (const chunk of stream) n += chunk.byteLength;
      assert.equal(n, body.length, name);
    }
  });

  it('reports progress up to the total', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const seen: Array<[number, number]> = [];
    await kit.client().uploadFile({ name: 'big.bin', data }, { onProgress: (sent, total) => seen.push([sent, total]) });
    const total = seen[0]![1];
    assert.ok(total > data.length, 'the total is the multipart body');
    assert.deepEqual(seen[0], [0, total]);
    assert.deepEqual(seen.at(-1), [total, total]);
    assert.ok(seen.length > 3, 'several steps for 2 MB');
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]![0] >= seen[i - 1]![0], 'never goes back');
  });

  it('is retried after a gateway 502 that came before the reply, with the whole body again', async () => {
    kit.fake.addFault({ endpoint: 'upload', kind: 'http', status: 502, body: 'html' });
    const data = randomBytes(100_000);
    const file = await kit.client().uploadFile({ name: 'r.bin', data });
    assert.equal(uploads(kit).length, 2);
    assert.equal(kit.fake.files.length, 1, 'the first attempt stored nothing');
    assert.equal(kit.fake.files[0]!.sha256, sha256(data));
    assert.equal(file.bytes, data.length);
  });

  it('is retried after a connection reset', async () => {
    kit.fake.addFault({ endpoint: 'upload', kind: 'reset' });
    const data = randomBytes(1000);
    await kit.client().uploadFile({ name: 'r.bin', data });
    assert.equal(kit.fake.files[0]!.sha256, sha256(data));
  });

  it('is canceled by its signal while the server holds the reply', async () => {
    kit.fake.addFault({ endpoint: 'upload', kind: 'hang' });
    const stop = new AbortController();
    const p = kit.client().uploadFile({ name: 'c.bin', data: randomBytes(1000) }, { signal: stop.signal });
    await waitFor(() => uploads(kit).length === 1);
    stop.abort();
    const err = await expectCozeError(kit, p);
    assert.equal(err.kind, 'canceled');
    assert.equal(kit.fake.files.length, 0);
  });

  it('a refusal of the fake (over its limit) is an api error with code and logid', async () => {
    kit.fake.setBehavior({ maxUploadBytes: 1000 });
    const err = await expectCozeError(kit, kit.client().uploadFile({ name: 'big.bin', data: randomBytes(5000) }));
    assert.equal(err.kind, 'api');
    assert.equal(err.code, 4000);
    assert.equal(err.logId, uploads(kit)[0]!.logid);
  });

  it('refuses an empty, unnamed or over-limit file before sending', async () => {
    const client = kit.client();
    for (const file of [
      { name: 'empty.txt', data: new Uint8Array(0) },
      { name: '  ', data: new Uint8Array(1) },
      // A view claiming more than the limit without allocating it.
      { name: 'huge.bin', data: { byteLength: MAX_UPLOAD_BYTES + 1 } as unknown as Uint8Array },
    ]) {
      const err = await expectCozeError(kit, client.uploadFile(file));
      assert.equal(err.invalidOption, 'file');
    }
    assert.equal(kit.fake.requests.length, 0);
    assert.equal(MAX_UPLOAD_BYTES, 512 * 1024 * 1024);
  });

  it('the first-byte timer counts from the end of the body: an upload that takes longer than it still succeeds', async () => {
    // The server stops reading after the first chunk (a slow uplink): the client's writes block for longer than
    // the first-byte timeout. Had that timer counted from the start of the request it would fire; while the body
    // is sent only the silence limit (streamIdleTimeoutMs) applies, and the first-byte timer starts after the last
    // chunk. 24 MB is well over what the kernel buffers on loopback, so the client really waits.
    kit.fake.setBehavior({ uploadStallMs: 2500 });
    const data = randomBytes(24 * 1024 * 1024);
    const file = await kit.client({ firstByteTimeoutMs: 800, streamIdleTimeoutMs: 10_000, maxRetries: 0 }).uploadFile({ name: 'slow.bin', data });
    assert.equal(file.bytes, data.length);
    assert.equal(kit.fake.files[0]!.sha256, sha256(data));
  });

  it('an upload that stalls for longer than the silence limit times out (idle-timeout), not silently forever', async () => {
    kit.fake.setBehavior({ uploadStallMs: 5000 });
    const err = await expectCozeError(
      kit,
      kit.client({ firstByteTimeoutMs: 10_000, streamIdleTimeoutMs: 300, maxRetries: 0 }).uploadFile({ name: 'stuck.bin', data: randomBytes(24 * 1024 * 1024) }),
    );
    assert.equal(err.kind, 'timeout');
    assert.equal(err.reason, 'idle-timeout');
    assert.match(err.message, /upload .* stalled/);
  });

  it('the upload goes through the same client: a question after it still works', async () => {
    const client = kit.client();
    await client.uploadFile({ name: 'a.txt', data: new TextEncoder().encode('hello') });
    const a = await client.ask('Q', { botId: BOT_ID });
    assert.ok(a.text.length > 0);
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}
