import * as assert from 'node:assert/strict';
import {
  attachmentKind,
  checkAttachment,
  cleanFileName,
  COZE_LIMITS,
  formatBytes,
  nameForData,
  percent,
  sniffImageType,
  type AttachmentLimits,
} from '../../src/chat/attachments';
import { parseConversation } from '../../src/chat/chatModel';
import { MAX_ATTACHMENT_DATA_BYTES, MAX_ATTACHMENT_NAME, MAX_ATTACHMENTS, parseChatViewMessage } from '../../src/protocol';
import { MAX_UPLOAD_BYTES } from '../../src/uploadLimits';

// The pure rules of chat attachments (src/chat/attachments.ts): what is refused before anything is sent, how
// sizes read, which pasted bytes count as an image, what the history keeps of a turn's files, and the
// webview's attachment messages as the extension validates them.

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
const small: AttachmentLimits = { maxBytes: 1000, isImageName: (n) => /\.(png|jpe?g)$/i.test(n) };

describe('chat attachments: sizes', () => {
  it('formats sizes the way the chips show them', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(812), '812 B');
    assert.equal(formatBytes(1024), '1 KB');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(120 * 1024 + 300), '120 KB');
    assert.equal(formatBytes(3.25 * 1024 * 1024), '3.3 MB');
    assert.equal(formatBytes(1024 * 1024 - 1), '1 MB', 'never "1024 KB"');
    assert.equal(formatBytes(MAX_UPLOAD_BYTES), '512 MB');
    assert.equal(formatBytes(5 * 1024 ** 4), '5120 GB');
  });

  it('reports upload progress as a whole percentage, 100 only at the end', () => {
    assert.equal(percent(0, 1000), 0);
    assert.equal(percent(399, 1000), 39);
    assert.equal(percent(999, 1000), 99);
    assert.equal(percent(1000, 1000), 100);
    assert.equal(percent(5, 0), 0);
    assert.equal(percent(2000, 1000), 100);
  });
});

describe('chat attachments: what is refused before sending', () => {
  it("uses Coze's limit by default: 512 MB, images by extension", () => {
    assert.equal(checkAttachment({ name: 'big.bin', bytes: MAX_UPLOAD_BYTES }, 0), undefined);
    assert.deepEqual(checkAttachment({ name: 'big.bin', bytes: MAX_UPLOAD_BYTES + 1 }, 0), {
      reason: 'tooLarge',
      name: 'big.bin',
      bytes: MAX_UPLOAD_BYTES + 1,
      maxBytes: MAX_UPLOAD_BYTES,
    });
    assert.equal(attachmentKind('diagram.PNG'), 'image');
    assert.equal(attachmentKind('notes.md'), 'file');
    assert.equal(COZE_LIMITS.maxBytes, MAX_UPLOAD_BYTES);
  });

  it('refuses folders, empty files, files over the limit and more than the cap, in that order', () => {
    assert.deepEqual(checkAttachment({ name: 'src', bytes: 4096, isDirectory: true }, 0, small), { reason: 'folder', name: 'src' });
    assert.deepEqual(checkAttachment({ name: 'a.txt', bytes: 0 }, 0, small), { reason: 'empty', name: 'a.txt' });
    assert.equal(checkAttachment({ name: 'a.txt', bytes: 1000 }, 0, small), undefined);
    assert.equal(checkAttachment({ name: 'a.txt', bytes: 1001 }, 0, small)?.reason, 'tooLarge');
    assert.equal(checkAttachment({ name: 'a.txt', bytes: 1 }, MAX_ATTACHMENTS - 1, small), undefined);
    assert.deepEqual(checkAttachment({ name: 'a.txt', bytes: 1 }, MAX_ATTACHMENTS, small), { reason: 'tooMany', name: 'a.txt', max: MAX_ATTACHMENTS });
  });
});

describe('chat attachments: names and pasted images', () => {
  it('keeps only the last path segment, without control characters, bounded with its extension', () => {
    assert.equal(cleanFileName('C:\\Users\\me\\shot.png', 'x'), 'shot.png');
    assert.equal(cleanFileName('../../etc/passwd', 'x'), 'passwd');
    assert.equal(cleanFileName('a\u0000b\u001f.txt', 'x'), 'ab.txt');
    assert.equal(cleanFileName('  ', 'pasted.png'), 'pasted.png');
    assert.equal(cleanFileName('dir/..', 'fallback'), 'fallback');
    const long = cleanFileName(`${'n'.repeat(400)}.tar.gz`, 'x');
    assert.equal(long.length, MAX_ATTACHMENT_NAME);
    assert.ok(long.endsWith('.gz'));
  });

  it('knows the images by their first bytes', () => {
    assert.equal(sniffImageType(PNG), 'image/png');
    assert.equal(sniffImageType(JPEG), 'image/jpeg');
    assert.equal(sniffImageType(new TextEncoder().encode('GIF89a')), 'image/gif');
    assert.equal(sniffImageType(new Uint8Array([0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50])), 'image/webp');
    assert.equal(sniffImageType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>')), undefined);
    assert.equal(sniffImageType(new Uint8Array()), undefined);
  });

  it('names a pasted image after its real type, so that Coze gets an image item', () => {
    assert.deepEqual(nameForData('image.png', 'image/png', PNG, 'pasted'), { ok: true, name: 'image.png' });
    assert.deepEqual(nameForData('', 'image/png', PNG, 'pasted'), { ok: true, name: 'pasted.png' });
    assert.deepEqual(nameForData('photo', 'image/jpeg', JPEG, 'pasted'), { ok: true, name: 'photo.jpg' });
    assert.deepEqual(nameForData('photo.JPEG', 'image/jpeg', JPEG, 'pasted'), { ok: true, name: 'photo.JPEG' });
    // The bytes win over the claim between two image types.
    assert.deepEqual(nameForData('shot.png', 'image/png', JPEG, 'pasted'), { ok: true, name: 'shot.jpg' });
    // HEIC has no fixed signature: the claim is taken.
    assert.deepEqual(nameForData('IMG_1.heic', 'image/heic', new Uint8Array([0, 0, 0, 24]), 'pasted'), { ok: true, name: 'IMG_1.heic' });
  });

  it('refuses bytes that claim an image type they are not, and image types Coze does not read', () => {
    const text = new TextEncoder().encode('not an image');
    assert.deepEqual(nameForData('fake.png', 'image/png', text, 'pasted'), { ok: false, refusal: { reason: 'notImage', name: 'fake.png' } });
    const svg = new TextEncoder().encode('<svg/>');
    assert.equal(nameForData('logo.svg', 'image/svg+xml', svg, 'pasted').ok, false);
  });

  it('attaches other dropped bytes as the file they were named', () => {
    assert.deepEqual(nameForData('notes.md', 'text/markdown', new TextEncoder().encode('# hi'), 'pasted'), { ok: true, name: 'notes.md' });
    assert.deepEqual(nameForData('', '', new Uint8Array([1]), 'pasted'), { ok: true, name: 'pasted.bin' });
  });
});

describe('chat attachments: what the history keeps', () => {
  const conversation = (attachments: unknown) => ({
    version: 1,
    id: 'c1',
    title: 't',
    turns: [{ id: 't1', question: 'q', answer: 'a', status: 'done', followUps: [], attachments }],
  });

  it('reads back names, sizes, types and Coze file ids', () => {
    const files = [
      { id: 'a1', name: 'diagram.png', bytes: 122_880, type: 'image', fileId: '7444' },
      { name: 'notes.md', bytes: 10, type: 'file' },
    ];
    assert.deepEqual(parseConversation(conversation(files))?.turns[0]?.attachments, files);
  });

  it('skips malformed entries and drops the field when nothing usable is left', () => {
    const turn = parseConversation(
      conversation([{ name: 'ok.txt', bytes: 1, type: 'file', data: 'AAAA' }, { name: '', bytes: 1, type: 'file' }, { name: 'x', bytes: -1, type: 'file' }, { name: 'y', bytes: 1, type: 'audio' }, 'z']),
    )?.turns[0];
    assert.deepEqual(turn?.attachments, [{ name: 'ok.txt', bytes: 1, type: 'file' }], 'unknown keys (bytes of any kind) are not kept');
    assert.equal('attachments' in (parseConversation(conversation([{ bad: true }]))!.turns[0] ?? {}), false);
    assert.equal('attachments' in (parseConversation(conversation('nope'))!.turns[0] ?? {}), false);
    assert.equal(parseConversation(conversation(undefined))?.turns.length, 1, 'a turn without attachments is fine');
  });

  it('keeps at most MAX_ATTACHMENTS of them', () => {
    const many = Array.from({ length: MAX_ATTACHMENTS + 5 }, (_, i) => ({ name: `f${i}.txt`, bytes: 1, type: 'file' }));
    assert.equal(parseConversation(conversation(many))?.turns[0]?.attachments?.length, MAX_ATTACHMENTS);
  });
});

describe('chat attachments: messages from the webview', () => {
  it('accepts the attachment messages', () => {
    const good: unknown[] = [
      { type: 'attach', source: 'pick' },
      { type: 'attach', source: 'activeFile' },
      { type: 'attachData', id: 'a1b2', name: 'image.png', mime: 'image/png', data: PNG },
      { type: 'attachUris', uris: ['file:///w/src/a.ts'] },
      { type: 'attachRefused', name: 'huge.mov', bytes: 3e9, reason: 'tooLarge' },
      { type: 'removeAttachment', id: 'a1b2' },
      { type: 'send', text: 'What is in this picture?', attachmentIds: ['a1b2'] },
      { type: 'send', text: 'No files', attachmentIds: [] },
    ];
    for (const message of good) assert.deepEqual(parseChatViewMessage(message), message);
    const parsed = parseChatViewMessage({ type: 'attachData', id: 'a1', name: 'x.png', mime: 'image/png', data: PNG });
    assert.ok(parsed?.type === 'attachData' && parsed.data === PNG, 'the bytes arrive as they were sent, not copied');
  });

  it('rejects attachment messages that are malformed or unbounded', () => {
    const bad: unknown[] = [
      { type: 'attach' },
      { type: 'attach', source: 'disk' },
      { type: 'attachData', id: 'a1', name: 'x.png', mime: 'image/png' },
      { type: 'attachData', id: 'a1', name: 'x.png', mime: 'image/png', data: Array.from(PNG) },
      { type: 'attachData', id: 'a1', name: 'x.png', mime: 'image/png', data: { 0: 137, 1: 80 } },
      { type: 'attachData', id: 'a1', name: 'x.png', mime: 'image/png', data: PNG.buffer },
      { type: 'attachData', id: '../a', name: 'x.png', mime: 'image/png', data: PNG },
      { type: 'attachData', id: 'a1', name: 'x.png', mime: 'image/png', data: new Uint8Array(MAX_ATTACHMENT_DATA_BYTES + 1) },
      { type: 'attachData', id: 'a1', name: 'x.png', mime: 'image/png', data: PNG, extra: 1 },
      { type: 'attachUris', uris: [] },
      { type: 'attachUris', uris: Array.from({ length: MAX_ATTACHMENTS + 1 }, (_, i) => `file:///f${i}`) },
      { type: 'attachUris', uris: [42] },
      { type: 'attachRefused', name: 'x', bytes: -1, reason: 'tooLarge' },
      { type: 'attachRefused', name: 'x', bytes: 1, reason: 'other' },
      { type: 'removeAttachment' },
      { type: 'removeAttachment', id: 'a/b' },
      { type: 'send', text: 'q', attachmentIds: 'a1' },
      { type: 'send', text: 'q', attachmentIds: ['a.b'] },
      { type: 'send', text: 'q', attachmentIds: Array.from({ length: MAX_ATTACHMENTS + 1 }, (_, i) => `a${i}`) },
    ];
    for (const message of bad) assert.equal(parseChatViewMessage(message), undefined, JSON.stringify(message, (_k, v: unknown) => (v instanceof Uint8Array ? `Uint8Array(${v.byteLength})` : v)));
  });
});
