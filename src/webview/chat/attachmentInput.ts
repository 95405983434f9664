// What a paste or a drop into the composer hands over: files (a screenshot, files from the OS) whose bytes the
// page reads and sends to the extension, or URIs of files dragged from VS Code, which the extension reads
// itself. The extension checks everything again (src/chat/pendingAttachments.ts); the page only avoids
// carrying what it would refuse anyway.

export interface AttachmentSink {
  /** Bytes of a file, under an id the page chose (its thumbnail is kept under it). */
  data(id: string, name: string, mime: string, data: Uint8Array<ArrayBuffer>): void;
  uris(uris: string[]): void;
  /** A file the page does not hand over: larger than the extension takes this way, or unreadable (a folder). */
  refused(name: string, bytes: number, reason: 'tooLarge' | 'unreadable'): void;
  /** An image's thumbnail is ready (a small data: URL drawn on a canvas). */
  thumbnail(id: string, url: string): void;
}

const URI_LIST_TYPES = ['application/vnd.code.uri-list', 'text/uri-list'] as const;
const THUMBNAIL_PX = 40;
const MAX_DROPPED_URIS = 10;

/** A pasted screenshot or copied image file; text on the clipboard wins (copying from a document also puts a picture of it there). */
export function clipboardFiles(data: DataTransfer | null): File[] {
  if (!data || data.types.includes('text/plain')) return [];
  return Array.from(data.files);
}

/** Whether a drag carries something the composer can take. */
export function canDrop(data: DataTransfer | null): boolean {
  return !!data && (data.types.includes('Files') || URI_LIST_TYPES.some((t) => data.types.includes(t)));
}

/** Takes what a drop carries: files first (their bytes are at hand), else the URIs of files dragged from VS Code. */
export function takeDrop(data: DataTransfer, maxBytes: number, sink: AttachmentSink): void {
  const files = Array.from(data.files);
  if (files.length) {
    void sendFiles(files, maxBytes, sink);
    return;
  }
  for (const type of URI_LIST_TYPES) {
    const uris = parseUriList(data.getData(type));
    if (uris.length) {
      sink.uris(uris.slice(0, MAX_DROPPED_URIS));
      return;
    }
  }
}

/** text/uri-list: one URI a line, '#' lines are comments. */
export function parseUriList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export async function sendFiles(files: readonly File[], maxBytes: number, sink: AttachmentSink): Promise<void> {
  for (const file of files) {
    if (file.size > maxBytes) {
      sink.refused(file.name, file.size, 'tooLarge');
      continue;
    }
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch {
      // A dropped folder is a File whose contents cannot be read.
      sink.refused(file.name, file.size, 'unreadable');
      continue;
    }
    const id = newAttachmentId();
    sink.data(id, file.name, file.type, bytes);
    if (file.type.startsWith('image/')) {
      void thumbnailOf(file).then((url) => {
        if (url) sink.thumbnail(id, url);
      });
    }
  }
}

/**
 * A small PNG of the image, drawn on a canvas from the bytes themselves (no URL is loaded, so the CSP stays as
 * it is), small enough to keep in the page's saved state. Undefined for what the browser cannot decode (HEIC).
 */
async function thumbnailOf(file: Blob): Promise<string | undefined> {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, (THUMBNAIL_PX * Math.max(1, window.devicePixelRatio || 1)) / Math.max(bitmap.width, bitmap.height, 1));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return canvas.toDataURL('image/png');
  } catch {
    return undefined;
  }
}

/** A local id (src/ids.ts LOCAL_ID_PATTERN): 20 hex digits. */
function newAttachmentId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
