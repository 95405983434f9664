// The multipart body of POST /v1/files/upload: one field `file` carrying the file name (docs/coze-api.md#files-and-attachments).
// undici's FormData + Response encode it (no hand-written multipart); the transport streams it and counts the
// bytes for progress.

import { Blob } from 'node:buffer';
import { FormData, Response } from 'undici';
import type { UploadBody } from './transport';
import { uploadContentType } from '../uploadLimits';

/**
 * The body for one file. Content-Length must be known up front (the SDKs send a sized body, and gateways may
 * refuse a chunked upload), but undici only knows it once encoded: the multipart framing is measured with an
 * empty file of the same name and type (undici's boundary has a fixed length, `----formdata-undici-0` + 11
 * digits), and the data's length added. Were that ever wrong, undici refuses to send a body of another length.
 */
export async function multipartFile(name: string, data: Uint8Array): Promise<Omit<UploadBody, 'onProgress'>> {
  const type = uploadContentType(name);
  const form = (blob: Blob): FormData => {
    const f = new FormData();
    f.append('file', blob, name);
    return f;
  };
  const framing = (await new Response(form(new Blob([], { type }))).arrayBuffer()).byteLength;
  const file = new Blob([data], { type });
  return {
    length: framing + data.byteLength,
    // A body stream can be read once: every attempt gets its own Response (and its own boundary).
    open: () => {
      const res = new Response(form(file));
      return {
        contentType: res.headers.get('content-type') ?? 'multipart/form-data',
        body: res.body as unknown as AsyncIterable<Uint8Array>,
      };
    },
  };
}
