import * as v from 'valibot';
import { FiniteNumberSchema, lenientObject, LocalIdSchema, MAX_ATTACHMENTS, MAX_ATTACHMENT_DATA_BYTES, MAX_ATTACHMENT_NAME, optionalField } from '../protocol';

// What the chat keeps of the composer's attachments so that they survive a window reload or a restart, like
// the draft does (the draft is the webview's saved state; the chips are the extension's, so it keeps them in
// workspaceState, per window). A file from disk is kept as its URI, name, size and type: it is stat'ed again
// when it comes back. Pasted bytes exist only in memory, so they are copied into a file of the extension's own
// storage, within the bounds below, and that copy is deleted once the chip is sent, removed or too old.
// Nothing here goes into settings or the history (which keeps id/name/size/type only). Pure (no vscode):
// src/chat/keptAttachments.ts does the reading and writing, test/unit/savedAttachments.test.ts checks the rules.

export const SAVED_ATTACHMENTS_VERSION = 1;

/** A pasted file larger than this is not copied to disk (a paste is at most this large; an unsaved editor may be more). */
export const MAX_KEPT_COPY_BYTES = MAX_ATTACHMENT_DATA_BYTES;
/** All copies of one window together; the chips past it are told about when they cannot come back. */
export const MAX_KEPT_COPIES_BYTES = 64 * 1024 * 1024;
/** A copy older than this does not come back, and an unclaimed one is deleted. */
export const MAX_KEPT_COPY_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** Copies are named by the extension only; the pattern keeps a tampered state from naming any other file. */
export const COPY_FILE_PATTERN = /^[A-Za-z0-9_-]{1,64}\.bin$/;

const SavedSourceSchema = v.variant('kind', [
  /** A file of the workspace or the disk, as `vscode.Uri.toString()`. */
  v.object({ kind: v.literal('uri'), uri: v.pipe(v.string(), v.nonEmpty(), v.maxLength(8_192)) }),
  /** Pasted bytes, in the copy `file` of the extension's storage, written at `savedAt`. */
  v.object({ kind: v.literal('copy'), file: v.pipe(v.string(), v.regex(COPY_FILE_PATTERN)), savedAt: FiniteNumberSchema }),
  /** Pasted bytes that could not be copied (over the bounds, or the write failed): they cannot come back. */
  v.object({ kind: v.literal('notKept') }),
]);
export type SavedSource = v.InferOutput<typeof SavedSourceSchema>;

/** One chip as kept. `fileId`: Coze has it already (a failed question uploaded it), so no bytes are needed. */
export const SavedAttachmentSchema = v.pipe(
  lenientObject({
    id: LocalIdSchema,
    name: v.pipe(v.string(), v.nonEmpty(), v.maxLength(MAX_ATTACHMENT_NAME)),
    bytes: v.pipe(FiniteNumberSchema, v.minValue(0)),
    kind: v.picklist(['file', 'image']),
    source: optionalField(SavedSourceSchema),
    fileId: optionalField(v.pipe(v.string(), v.nonEmpty(), v.maxLength(200))),
  }),
  v.check((a) => a.source !== undefined || a.fileId !== undefined, 'neither a source nor a Coze file id'),
);
export type SavedAttachment = v.InferOutput<typeof SavedAttachmentSchema>;

const SavedListSchema = v.object({
  version: v.literal(SAVED_ATTACHMENTS_VERSION),
  items: v.array(v.unknown()),
});

/** The chips as written to workspaceState. */
export function savedList(items: readonly SavedAttachment[]): { version: number; items: SavedAttachment[] } {
  return { version: SAVED_ATTACHMENTS_VERSION, items: items.slice(0, MAX_ATTACHMENTS) };
}

/**
 * The chips kept, as read back: the well-formed ones, each id once, at most MAX_ATTACHMENTS. Anything else (an
 * older or newer shape, a hand-edited state) reads as no chips rather than failing the chat.
 */
export function parseSavedList(raw: unknown): SavedAttachment[] {
  const list = v.safeParse(SavedListSchema, raw);
  if (!list.success) return [];
  const seen = new Set<string>();
  const items: SavedAttachment[] = [];
  for (const entry of list.output.items) {
    const parsed = v.safeParse(SavedAttachmentSchema, entry);
    if (!parsed.success || seen.has(parsed.output.id)) continue;
    seen.add(parsed.output.id);
    items.push(parsed.output);
    if (items.length === MAX_ATTACHMENTS) break;
  }
  return items;
}

/** Whether pasted bytes of `bytes` get a copy, when the window's other copies take `othersBytes`. */
export function keepsCopy(bytes: number, othersBytes: number): boolean {
  return bytes > 0 && bytes <= MAX_KEPT_COPY_BYTES && othersBytes + bytes <= MAX_KEPT_COPIES_BYTES;
}

/** A copy written at `savedAt` is too old at `now` (a clock set back counts as new: the copy is kept). */
export function copyExpired(savedAt: number, now: number): boolean {
  return now - savedAt > MAX_KEPT_COPY_AGE_MS;
}
