import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { AnswerSurface } from './answerPanel/answerSurface';
import { answerViewStrings } from './answerPanel/viewStrings';
import { AskPipeline } from './ask/askPipeline';
import { registerChatCommands } from './chat/chatCommands';
import { ChatService } from './chat/chatService';
import { chatViewStrings } from './chat/chatStrings';
import { ChatStore } from './chat/chatStore';
import { ChatViewProvider } from './chat/chatView';
import { ClientProvider } from './clientProvider';
import { registerKeyCommands } from './keyCommands';
import { KeyStore } from './keyStore';
import { Log } from './log';
import { Notifier } from './notifier';
import { createTestingApi, TestRecorder, type AskCozeTestingApi } from './testingApi';

// Wiring only: build the services once, register commands and views, hand everything to the context.
// Every surface asks through the one AskPipeline (docs/architecture.md).

export interface AskCozeApi {
  /** Present only when the extension runs under a test runner. */
  testing?: AskCozeTestingApi;
}

export function activate(context: vscode.ExtensionContext): AskCozeApi {
  const recorder = context.extensionMode === vscode.ExtensionMode.Test ? new TestRecorder() : undefined;
  const log = new Log(recorder?.onLine);
  const keys = new KeyStore(context.secrets);
  const clients = new ClientProvider(log);
  const notifier = new Notifier(recorder?.onShown);
  const pipeline = new AskPipeline({ keys, clients, notifier, log, userId: installationUserId(context) });
  const chatStore = new ChatStore(vscode.Uri.joinPath(context.globalStorageUri, 'chat').fsPath, { onWarning: (w) => log.warn(w) });
  const chat = new ChatService({ pipeline, log, store: chatStore, workspaceState: context.workspaceState, globalState: context.globalState });
  const chatView = new ChatViewProvider(context.extensionUri, chat, chatViewStrings, notifier, log);
  const answers = new AnswerSurface(pipeline, context.extensionUri, answerViewStrings, log, async (state) => {
    // "Continue in chat" in an answer panel: its question, answer and Coze conversation move to the chat.
    await chat.adopt(state);
    await chatView.focusInput();
  });

  context.subscriptions.push(
    log,
    keys,
    clients,
    answers,
    chatView,
    // Saves an answer still arriving as interrupted, synchronously, when VS Code shuts the extension down.
    chat,
    keys.onDidChange(() => clients.reset()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('askCoze') || e.affectsConfiguration('http')) clients.reset();
    }),
    vscode.commands.registerCommand('askCoze.ask', (arg?: unknown) => answers.askFromEditor(arg)),
    vscode.commands.registerCommand('askCoze.stop', () => answers.stopAll()),
    vscode.commands.registerCommand('askCoze.showLog', () => log.show()),
    ...registerKeyCommands(keys, notifier, log),
    ...registerChatCommands(chat, chatView),
  );

  return recorder
    ? { testing: createTestingApi({ keys, panels: answers.panels, recorder, chat: { service: chat, view: chatView, store: chatStore } }) }
    : {};
}

/**
 * Coze keeps memory and context per user_id, so every question from this installation uses the same one.
 * It is random, not derived from the machine or the user.
 */
function installationUserId(context: vscode.ExtensionContext): string {
  const KEY = 'askCoze.userId';
  let id = context.globalState.get<string>(KEY);
  if (!id) {
    id = `vscode-${randomUUID()}`;
    void context.globalState.update(KEY, id);
  }
  return id;
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
