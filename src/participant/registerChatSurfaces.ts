import * as vscode from 'vscode';
import type { AskPipeline } from '../ask/askPipeline';
import type { BotNameSource } from '../bots/botNames';
import type { Log } from '../log';
import { AskCozeTool, TOOL_NAME, type AskCozeToolInput } from './askCozeTool';
import { CozeParticipant, PARTICIPANT_ID } from './cozeParticipant';
import { registerFixCommands } from './fixButtons';

// Registers `@coze` (a chat participant) and `#askCoze` (a language-model tool) where this VS Code has the APIs.
// @types/vscode is our oldest version (1.100), where both are stable, but a host may still lack them at run time
// (VSCodium and code-server builds, a Chat view switched off by policy): then each is left out with one log line
// and everything else works. Nothing here needs Copilot; where the Chat view is absent the participant is simply
// never called.

export interface ChatSurfacesDeps {
  pipeline: AskPipeline;
  log: Log;
  botNames?: BotNameSource;
  extensionUri: vscode.Uri;
}

/** For the in-host tests (src/testingApi.ts): what was registered, and the handlers VS Code would call. */
export interface ParticipantTestingApi {
  registered: { participant: boolean; tool: boolean };
  handle: vscode.ChatRequestHandler;
  followups: vscode.ChatFollowupProvider;
  tool: vscode.LanguageModelTool<AskCozeToolInput>;
}

export function registerChatSurfaces(deps: ChatSurfacesDeps): { disposables: vscode.Disposable[]; testing: ParticipantTestingApi } {
  const participant = new CozeParticipant(deps);
  const tool = new AskCozeTool(deps);
  const disposables: vscode.Disposable[] = [...registerFixCommands(deps.pipeline)];
  const registered = { participant: false, tool: false };
  const missing: string[] = [];

  // Optional chaining on the namespaces: a host without them has no `vscode.chat` / `vscode.lm` at all.
  const chat = vscode.chat as Partial<typeof vscode.chat> | undefined;
  if (typeof chat?.createChatParticipant === 'function') {
    registered.participant = attempt(deps.log, '@coze', () => {
      const created = chat.createChatParticipant!(PARTICIPANT_ID, participant.handle);
      created.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.png');
      created.followupProvider = participant.followupProvider;
      disposables.push(created);
    });
  } else missing.push('vscode.chat.createChatParticipant');

  const lm = vscode.lm as Partial<typeof vscode.lm> | undefined;
  if (typeof lm?.registerTool === 'function') {
    registered.tool = attempt(deps.log, '#askCoze', () => disposables.push(lm.registerTool!(TOOL_NAME, tool)));
  } else missing.push('vscode.lm.registerTool');

  if (missing.length) deps.log.info(`VS Code's Chat API is not available here (${missing.join(', ')}): @coze and #askCoze are off; everything else works.`);
  return { disposables, testing: { registered, handle: participant.handle, followups: participant.followupProvider, tool } };
}

/** A registration that throws (a host that has the function but not the Chat feature) is logged, not fatal. */
function attempt(log: Log, what: string, register: () => void): boolean {
  try {
    register();
    return true;
  } catch (err) {
    log.warn(`${what} could not be registered: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}
