// The fake Coze server for tests and the `npm start` demo. See server.ts and docs/coze-api.md.

export { FakeCozeServer, type FakeCozeStartOptions } from './server';
export { defaultBehavior, type BehaviorPatch, type Chunking, type Dialect, type ExtraMessage, type FakeBehavior, type SseFormat } from './behavior';
export type { Fault, FaultAction, FaultEndpoint, FaultKind, FaultMatch } from './faults';
export { defaultAnswer } from './answers';
export type {
  AuthOutcome,
  ChatJson,
  ChatSnapshot,
  ChatStatus,
  ContentType,
  CozeError,
  Endpoint,
  FinalStatus,
  MessageJson,
  MessageType,
  RecordedRequest,
  RequiredAction,
  ToolCall,
  Usage,
} from './types';
