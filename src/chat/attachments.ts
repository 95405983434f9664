import * as v from 'valibot';
import { FiniteNumberSchema, lenientObject, LocalIdSchema, MAX_ATTACHMENTS, MAX_ATTACHMENT_NAME, optionalField, type AttachmentKind } from '../protocol';
import { isImageFileName, MAX_UPLOAD_BYTES } from '../uploadLimits';

// The rules for files going with a chat question, checked before anything is sent (docs/coze-api.md, "Files and
// attachments"): what Coze refuses (too large, empty), what the chat refuses (folders, more than MAX_ATTACHMENTS),
// which files are images, and what a pasted image must look like. Pure (no vscode): the messages are made by
// src/chat/pendingAttachments.ts from the refusals here, and test/unit/attachments.test.ts checks the rules.
// Coze's own limits (largest size, image types) are stated once, in src/uploadLimits.ts.

/** Coze's upload limits (src/uploadLimits.ts); a parameter so that the tests can use small ones. */
export interface AttachmentLimits {
  maxBytes: number;
  isImageName(name: string): boolean;
}

export const COZE_LIMITS: AttachmentLimits = { maxBytes: MAX_UPLOAD_BYTES, isImageName: isImageFileName };

export type Refusal =
  | { reason: 'folder'; name: string }
  | { reason: 'empty'; name: string }
  | { reason: 'tooLarge'; name: string; bytes: number; maxBytes: number }
  | { reason: 'tooMany'; name: string; max: number }
  | { reason: 'notImage'; name: string }
  /** The file system could not say what it is (gone, no permission…); `detail` is its message. */
  | { reason: 'unreadable'; name: string; detail: string };

export interface Candidate {
  name: string;
  bytes: number;
  isDirectory?: boolean;
}

/** Why `candidate` cannot be attached when `alreadyPending` files are attached, or undefined when it can. */
export function checkAttachment(candidate: Candidate, alreadyPending: number, limits: AttachmentLimits = COZE_LIMITS): Refusal | undefined {
  const { name } = candidate;
  if (candidate.isDirectory) return { reason: 'folder', name };
  if (alreadyPending >= MAX_ATTACHMENTS) return { reason: 'tooMany', name, max: MAX_ATTACHMENTS };
  if (candidate.bytes <= 0) return { reason: 'empty', name };
  if (candidate.bytes > limits.maxBytes) return { reason: 'tooLarge', name, bytes: candidate.bytes, maxBytes: limits.maxBytes };
  return undefined;
}

/** Coze sends an image item for an image and a file item for anything else. */
export function attachmentKind(name: string, limits: AttachmentLimits = COZE_LIMITS): AttachmentKind {
  return limits.isImageName(name) ? 'image' : 'file';
}

const UNITS = ['B', 'KB', 'MB', 'GB'] as const;

/** "812 B", "1.5 KB", "120 KB", "3.2 MB": binary units, one decimal below 10. */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  // 1023.96 KB would round to "1024 KB": say "1 MB" instead.
  const shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  if (shown >= 1024 && unit < UNITS.length - 1) return `1 ${UNITS[unit + 1]}`;
  return `${shown} ${UNITS[unit]}`;
}

/** 0–100, rounded down (100 only once everything is sent). */
export function percent(sent: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.max(0, Math.floor((sent / total) * 100)));
}

// ---- names ---------------------------------------------------------------------------------------------------

/**
 * A file name as shown and sent to Coze: the last path segment of what a webview or the OS said, without control
 * characters, bounded. `fallback` when nothing usable is left.
 */
export function cleanFileName(raw: string, fallback: string): string {
  const base = raw.slice(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1);
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (!clean || clean === '.' || clean === '..') return fallback;
  if (clean.length <= MAX_ATTACHMENT_NAME) return clean;
  // Keep the extension: it decides how Coze reads the file.
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : '';
  return clean.slice(0, MAX_ATTACHMENT_NAME - ext.length) + ext;
}

// ---- pasted and dropped images ----------------------------------------------------------------------------

/** The image types a webview may declare for pasted or dropped bytes, with the extensions each is named with. */
export const IMAGE_MIME_EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'image/bmp': ['bmp'],
  'image/tiff': ['tiff', 'tif'],
  'image/heic': ['heic'],
  'image/heif': ['heif'],
};

/** The image type the bytes start with, for the formats that have a signature; undefined otherwise. */
export function sniffImageType(data: Uint8Array): string | undefined {
  const starts = (...bytes: number[]) => bytes.every((b, i) => data[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && data[8] === 0x57 && data[9] === 0x45 && data[10] === 0x42 && data[11] === 0x50) return 'image/webp';
  if (starts(0x42, 0x4d)) return 'image/bmp';
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'image/tiff';
  return undefined;
}

/** HEIC/HEIF have no fixed leading signature; every other type above does, and a claim must match it. */
const UNSIGNED_TYPES: ReadonlySet<string> = new Set(['image/heic', 'image/heif']);

export type DataVerdict = { ok: true; name: string } | { ok: false; refusal: Refusal };

/**
 * The name pasted or dropped bytes are attached under. The webview's type is only a claim: an image type must
 * be one of IMAGE_MIME_EXTENSIONS and agree with the bytes' signature (the signature wins between two image
 * types), and the name gets that image's extension, so that Coze treats it as the image it is. Bytes not
 * claimed to be an image are attached as the file they were named.
 */
export function nameForData(rawName: string, mime: string, data: Uint8Array, fallbackStem: string): DataVerdict {
  const declared = mime.trim().toLowerCase();
  if (!declared.startsWith('image/')) return { ok: true, name: cleanFileName(rawName, `${fallbackStem}.bin`) };
  const sniffed = sniffImageType(data);
  const type = sniffed ?? declared;
  const extensions = IMAGE_MIME_EXTENSIONS[type];
  const name = cleanFileName(rawName, `${fallbackStem}.${extensions?.[0] ?? 'bin'}`);
  if (!extensions || (!sniffed && !UNSIGNED_TYPES.has(declared))) return { ok: false, refusal: { reason: 'notImage', name } };
  const dot = name.lastIndexOf('.');
  if (dot > 0 && extensions.includes(name.slice(dot + 1).toLowerCase())) return { ok: true, name };
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return { ok: true, name: cleanFileName(`${stem}.${extensions[0]}`, `${fallbackStem}.${extensions[0]}`) };
}

// ---- what a turn keeps -----------------------------------------------------------------------------------

/**
 * A file that went (or was to go) with a turn, as the history keeps it: never the bytes. `fileId` is Coze's
 * id once uploaded, so a retry reuses it; `id` is the local id the chat knew it by.
 */
export const StoredAttachmentSchema = lenientObject({
  id: optionalField(LocalIdSchema),
  name: v.pipe(v.string(), v.nonEmpty(), v.maxLength(MAX_ATTACHMENT_NAME)),
  bytes: v.pipe(FiniteNumberSchema, v.minValue(0)),
  type: v.picklist(['file', 'image']),
  fileId: optionalField(v.pipe(v.string(), v.nonEmpty(), v.maxLength(200))),
});
export type StoredAttachment = v.InferOutput<typeof StoredAttachmentSchema>;

/** A turn's attachments as read back: the well-formed ones, at most MAX_ATTACHMENTS; absent when none. */
export const StoredAttachmentsSchema = optionalField(
  v.pipe(
    v.array(v.unknown()),
    v.transform((list) =>
      list
        .flatMap((raw) => {
          const parsed = v.safeParse(StoredAttachmentSchema, raw);
          return parsed.success ? [parsed.output] : [];
        })
        .slice(0, MAX_ATTACHMENTS),
    ),
    v.check((list) => list.length > 0),
  ),
);
