// POST /v1/files/upload (docs/coze-api.md#files-and-attachments): the multipart body (fileUpload.ts) through the
// transport, and the reply `data{id, bytes, file_name, created_at}` (Coze Studio: `CreatedAt`, plus uri/url).

import { isCozeId } from '../ids';
import { isRecord } from './decode';
import { CozeError } from './errors';
import { multipartFile } from './fileUpload';
import type { Transport } from './transport';
import type { CozeUploadedFile, UploadOptions } from './types';

export async function uploadFile(
  transport: Transport,
  file: { name: string; data: Uint8Array },
  onProgress: UploadOptions['onProgress'],
  signal: AbortSignal,
): Promise<CozeUploadedFile> {
  const body = await multipartFile(file.name, file.data);
  const reply = await transport.json<unknown>(
    {
      method: 'POST',
      path: '/v1/files/upload',
      // Retried like any POST whose failure came before the reply (a gateway's 502, a reset while sending):
      // repeating an upload is safe — at worst Coze keeps a second copy nobody refers to.
      upload: onProgress ? { ...body, onProgress } : body,
    },
    signal,
  );
  const d = reply.data;
  const id = isRecord(d) && typeof d.id === 'string' && isCozeId(d.id) ? d.id : undefined;
  if (!isRecord(d) || !id) throw new CozeError('protocol', `Coze did not return the id of the uploaded file ${file.name}.`, { logId: reply.logId });
  return {
    id,
    name: typeof d.file_name === 'string' && d.file_name !== '' ? d.file_name : file.name,
    bytes: typeof d.bytes === 'number' && Number.isFinite(d.bytes) ? d.bytes : file.data.byteLength,
  };
}
