// The Coze client's public surface. The extension loads this folder as its own bundle (dist/coze.js, built
// from this file) the first time a question is asked; everything a caller needs is exported here.
// Plain Node: nothing in src/coze imports 'vscode'.

export { CozeClient } from './client';
export { CozeError, isCozeError, type CozeErrorInit } from './errors';
export { SseParser, parseSse, isDoneData, type SseEvent } from './sse';
export { RateLimiter, type LimiterClock } from './rateLimiter';
export { IMAGE_EXTENSIONS, MAX_UPLOAD_BYTES, fileExtension, isImageFileName } from '../uploadLimits';
export type {
  AskOptions,
  AskProgress,
  ChatStatus,
  CozeAnswer,
  CozeAttachment,
  CozeBot,
  CozeUploadedFile,
  CozeWorkspace,
  CozeClientOptions,
  CozeErrorKind,
  CozeErrorReason,
  CozeInvalidOption,
  CozeProxyOptions,
  CozeTlsOptions,
  CozeUsage,
  RequestLogEntry,
  ResponseMode,
  UploadOptions,
  WorkflowInterrupt,
  WorkflowMessage,
  WorkflowRunOptions,
  WorkflowRunResult,
} from './types';
