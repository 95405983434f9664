// What Coze accepts from POST /v1/files/upload (docs/coze-api.md#files-and-attachments), so a caller can refuse a
// file before spending a call (and minutes of upload) on it. Imports nothing, like src/ids.ts: the client
// (src/coze re-exports it) and the extension (outside the lazy-loaded bundle) share the same rules.

/** The largest file /v1/files/upload accepts: 512 MB (docs: upload_files). A bot's model may accept less. */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/**
 * Extensions (lower case, no dot) of the images Coze lists for upload: JPG, JPG2, PNG, GIF, WEBP, HEIC, HEIF,
 * BMP, PCD, TIFF (docs: upload_files), plus the usual spellings jpeg / tif. Such a file goes into a chat as an
 * `image` item, anything else as a `file` item.
 */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['jpg', 'jpeg', 'jpg2', 'png', 'gif', 'webp', 'heic', 'heif', 'bmp', 'pcd', 'tif', 'tiff']);

const IMAGE_MIME: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
};

/** The extension of a file name, lower case without the dot ('' when none). */
export function fileExtension(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** True for a file name Coze treats as an image (its attachment type is then 'image'). */
export function isImageFileName(name: string): boolean {
  return IMAGE_EXTENSIONS.has(fileExtension(name));
}

/** The Content-Type of the multipart part: the image type when known, else application/octet-stream. */
export function uploadContentType(name: string): string {
  return IMAGE_MIME[fileExtension(name)] ?? 'application/octet-stream';
}
