// The fake Coze server for tests and the `npm start` demo. See server.ts and docs/coze-api.md.

export { FakeCozeServer, type FakeCozeStartOptions } from './server';
export { defaultBehavior, type BehaviorPatch, type Chunking, type Dialect, type ExtraMessage, type FakeBehavior, type SseFormat } from './behavior';
export type { Fault, FaultAction, FaultEndpoint, FaultKind, FaultMatch } from './faults';
export { defaultAnswer } from './answers';
export { DEFAULT_BOT_ID, PERSONAL_WORKSPACE_ID, TEAM_WORKSPACE_ID, defaultBots, defaultWorkspaces, type FakeBot, type FakeWorkspace } from './catalog';
export type { ContentItem, FileInfo } from './files';
export { ERROR_WORKFLOW_ID, INTERRUPT_WORKFLOW_ID, UNPUBLISHED_WORKFLOW_ID, type WorkflowBehavior } from './workflowBehavior';
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
