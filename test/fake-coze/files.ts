// The fake's POST /v1/files/upload (docs/coze-api.md#files-and-attachments): the multipart body is parsed by
// Node's own Request#formData() (no hand-written parser), the bytes are kept so tests can compare them, and a
// chat's object_string items are checked against the files uploaded here.

import { createHash } from 'node:crypto';
import type { IdFactory } from './util';
import { isRecord, unixSeconds } from './util';

export interface StoredFile {
  id: string;
  name: string;
  bytes: number;
  sha256: string;
  /** The part's Content-Type. */
  contentType: string;
  createdAt: number;
  data: Buffer;
}

/** What GET /__fake/files and FakeCozeServer.files give: everything but the bytes. */
export type FileInfo = Omit<StoredFile, 'data'>;

export type UploadOutcome = { ok: true; file: StoredFile } | { ok: false; code: number; msg: string };

/** Coze's limit (docs: upload_files); behavior `maxUploadBytes` lowers it for tests. */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

export class FileStore {
  private readonly files = new Map<string, StoredFile>();

  constructor(private readonly ids: IdFactory) {}

  /**
   * Parses a multipart body and stores its one `file` field. Refuses what Coze refuses (code 4000, invalid
   * parameter): not multipart, no `file` field (another field name), more than one, an empty file, or more
   * than `maxBytes`.
   */
  async upload(contentType: string | undefined, raw: Buffer, maxBytes: number): Promise<UploadOutcome> {
    if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) {
      return { ok: false, code: 4000, msg: 'invalid parameter: the request must be multipart/form-data' };
    }
    let form: FormData;
    try {
      form = await new Request('http://fake-coze.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(raw) }).formData();
    } catch {
      return { ok: false, code: 4000, msg: 'invalid parameter: the multipart body could not be parsed' };
    }
    const parts = form.getAll('file');
    if (parts.length === 0) return { ok: false, code: 4000, msg: 'invalid parameter: the form has no field named "file"' };
    if (parts.length > 1) return { ok: false, code: 4000, msg: 'invalid parameter: upload one file at a time' };
    const part = parts[0]!;
    if (typeof part === 'string') return { ok: false, code: 4000, msg: 'invalid parameter: "file" must be a file, not a text field' };
    const data = Buffer.from(await part.arrayBuffer());
    if (data.length === 0) return { ok: false, code: 4000, msg: 'invalid parameter: the file is empty' };
    if (data.length > maxBytes) return { ok: false, code: 4000, msg: `invalid parameter: the file exceeds the size limit of ${maxBytes} bytes` };
    const file: StoredFile = {
      id: this.ids.id(),
      name: part.name,
      bytes: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      contentType: part.type,
      createdAt: unixSeconds(),
      data,
    };
    this.files.set(file.id, file);
    return { ok: true, file };
  }

  get(id: string): StoredFile | undefined {
    return this.files.get(id);
  }

  list(): FileInfo[] {
    return [...this.files.values()].map(({ data: _data, ...info }) => info);
  }

  clear(): void {
    this.files.clear();
  }
}

/** One item of an object_string message, as parsed. */
export interface ContentItem {
  type: 'text' | 'file' | 'image' | 'audio';
  text?: string;
  file_id?: string;
  file_url?: string;
}

export type ItemsOutcome = { ok: true; items: ContentItem[] } | { ok: false; msg: string };

/**
 * An object_string message's content (docs chat_v3, "object_string object"): a JSON STRING of an array of items
 * of type text/file/image/audio; a file item names a file_id uploaded by this account (or a file_url); at most
 * one text item, and text alone must be sent as content_type text. Coze answers 4000 to anything else.
 */
export function parseObjectString(content: unknown, known: (fileId: string) => boolean): ItemsOutcome {
  if (typeof content !== 'string') return { ok: false, msg: 'object_string content must be a JSON string of an array (not an array)' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return { ok: false, msg: 'object_string content is not valid JSON' };
  }
  if (!Array.isArray(parsed) || parsed.length === 0) return { ok: false, msg: 'object_string content must be a non-empty array' };
  const items: ContentItem[] = [];
  for (const raw of parsed) {
    if (!isRecord(raw)) return { ok: false, msg: 'object_string items must be objects' };
    const type = raw.type;
    if (type === 'text') {
      if (typeof raw.text !== 'string') return { ok: false, msg: 'a text item needs a text string' };
      items.push({ type, text: raw.text });
    } else if (type === 'file' || type === 'image' || type === 'audio') {
      const item: ContentItem = { type };
      if (raw.file_id !== undefined) {
        if (typeof raw.file_id !== 'string') return { ok: false, msg: 'file_id must be a string' };
        if (!known(raw.file_id)) return { ok: false, msg: `file_id ${raw.file_id} is not a file uploaded by this account` };
        item.file_id = raw.file_id;
      }
      if (typeof raw.file_url === 'string') item.file_url = raw.file_url;
      if (item.file_id === undefined && item.file_url === undefined) return { ok: false, msg: `a ${type} item needs file_id or file_url` };
      items.push(item);
    } else {
      return { ok: false, msg: `unknown object_string item type ${JSON.stringify(type)}` };
    }
  }
  const texts = items.filter((i) => i.type === 'text').length;
  if (texts > 1) return { ok: false, msg: 'object_string may hold at most one text item' };
  if (texts === items.length) return { ok: false, msg: 'text alone must be sent with content_type text' };
  return { ok: true, items };
}
