import * as assert from 'node:assert/strict';
import { MAX_ATTACHMENTS } from '../../src/protocol';
import {
  copyExpired,
  keepsCopy,
  MAX_KEPT_COPIES_BYTES,
  MAX_KEPT_COPY_AGE_MS,
  MAX_KEPT_COPY_BYTES,
  parseSavedList,
  SAVED_ATTACHMENTS_VERSION,
  savedList,
  type SavedAttachment,
} from '../../src/chat/savedAttachments';

// What the chat keeps of the composer's attachments across a window reload (src/chat/savedAttachments.ts): the
// shape written to workspaceState as read back (a file by URI, pasted bytes by the name of their copy, a file
// Coze has by its id; never bytes), what a tampered or stale state reads as, and the bounds on copies.

const uriChip: SavedAttachment = { id: 'a1', name: 'notes.md', bytes: 46, kind: 'file', source: { kind: 'uri', uri: 'file:///work/notes.md' } };
const pasted: SavedAttachment = { id: 'pastedShot1', name: 'image.png', bytes: 70, kind: 'image', source: { kind: 'copy', file: '0a1b2c3d4e5f60718293a4b5c6d7e8f9.bin', savedAt: 1_700_000_000_000 } };
const uploaded: SavedAttachment = { id: 'a3', name: 'report.pdf', bytes: 9000, kind: 'file', fileId: '7440000000000000001' };
const lost: SavedAttachment = { id: 'a4', name: 'big.txt', bytes: 30_000_000, kind: 'file', source: { kind: 'notKept' } };

const stored = (items: unknown[], version: unknown = SAVED_ATTACHMENTS_VERSION) => ({ version, items });

describe('saved chat attachments', () => {
  it('reads back what was written, through JSON as workspaceState keeps it', () => {
    const written = savedList([uriChip, pasted, uploaded, lost]);
    assert.deepEqual(parseSavedList(JSON.parse(JSON.stringify(written))), [uriChip, pasted, uploaded, lost]);
  });

  it('keeps only names, sizes, types, URIs and copy names: no bytes', () => {
    const withBytes = { ...uriChip, data: 'iVBORw0KGgo=', source: { kind: 'data', data: [1, 2, 3] } };
    assert.deepEqual(parseSavedList(stored([withBytes])), [], 'an in-memory source is not a kept one');
    assert.deepEqual(parseSavedList(stored([{ ...uploaded, data: [1, 2, 3] }])), [uploaded], 'unknown fields are dropped');
  });

  it('reads anything else as no chips: nothing kept, another version, not a list', () => {
    for (const raw of [undefined, null, 'x', [], { items: [uriChip] }, stored([uriChip], 2), stored([uriChip], '1'), { version: 1, items: 'no' }]) {
      assert.deepEqual(parseSavedList(raw), [], JSON.stringify(raw));
    }
  });

  it('drops malformed chips and keeps the rest', () => {
    const bad = [
      { ...uriChip, id: '../escape' },
      { ...uriChip, name: '' },
      { ...uriChip, bytes: -1 },
      { ...uriChip, kind: 'video' },
      { ...uriChip, source: { kind: 'uri', uri: '' } },
      { id: 'a5', name: 'x.txt', bytes: 3, kind: 'file' }, // neither a source nor a Coze id
      { ...uriChip, source: { kind: 'other' } },
      42,
    ];
    assert.deepEqual(parseSavedList(stored([...bad, pasted])), [pasted]);
  });

  it('refuses a copy named like any other file: a tampered state cannot make the chat read or delete it', () => {
    for (const file of ['../../.ssh/id_rsa', '/etc/passwd', 'a/b.bin', 'copy.png', '.bin', 'x.bin\n', 'C:\\x.bin']) {
      const chip = { ...pasted, source: { kind: 'copy', file, savedAt: 1 } };
      assert.deepEqual(parseSavedList(stored([chip])), [], file);
    }
  });

  it('a malformed Coze id costs the id only: a chip with a source keeps it', () => {
    assert.deepEqual(parseSavedList(stored([{ ...uriChip, fileId: '' }])), [uriChip]);
    assert.deepEqual(parseSavedList(stored([{ ...uploaded, fileId: 7 }])), [], 'and without a source nothing is left of it');
  });

  it('keeps each id once and at most MAX_ATTACHMENTS chips', () => {
    assert.deepEqual(parseSavedList(stored([uriChip, { ...uriChip, name: 'again.md' }])), [uriChip]);
    const many = Array.from({ length: MAX_ATTACHMENTS + 3 }, (_, i) => ({ ...uriChip, id: `c${i}` }));
    assert.equal(parseSavedList(stored(many)).length, MAX_ATTACHMENTS);
    assert.equal(savedList(many).items.length, MAX_ATTACHMENTS);
  });

  it('copies pasted bytes within a bound per file and per window', () => {
    assert.ok(keepsCopy(70, 0));
    assert.ok(keepsCopy(MAX_KEPT_COPY_BYTES, 0));
    assert.ok(!keepsCopy(MAX_KEPT_COPY_BYTES + 1, 0), 'an unsaved editor larger than a paste');
    assert.ok(!keepsCopy(0, 0));
    assert.ok(keepsCopy(1000, MAX_KEPT_COPIES_BYTES - 1000));
    assert.ok(!keepsCopy(1001, MAX_KEPT_COPIES_BYTES - 1000), 'the window has its share already');
  });

  it('a copy comes back for a week, and counts as new when the clock was set back', () => {
    const savedAt = 1_700_000_000_000;
    assert.ok(!copyExpired(savedAt, savedAt + MAX_KEPT_COPY_AGE_MS));
    assert.ok(copyExpired(savedAt, savedAt + MAX_KEPT_COPY_AGE_MS + 1));
    assert.ok(!copyExpired(savedAt, savedAt - 60_000));
  });
});
