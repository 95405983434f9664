import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { AnswerSurface } from './answerPanel/answerSurface';
import { chatSources, registerApplyCommand } from './apply/applyCommands';
import { ApplyDiffs } from './apply/applyDiffs';
import { CodeApplier } from './apply/codeApplier';
import { registerQuickFixes } from './codeActions/quickFixes';
import { answerViewStrings } from './answerPanel/viewStrings';
import { AskPipeline } from './ask/askPipeline';
import { BotCatalog } from './bots/botCatalog';
import { BotNames } from './bots/botNames';
import { BotPicker } from './bots/botPicker';
import { BotStatusBar } from './bots/botStatusBar';
import { registerAttachmentCommands } from './chat/attachmentCommands';
import { registerChatCommands } from './chat/chatCommands';
import { registerHistoryCommands } from './chat/historyCommands';
import { ChatService } from './chat/chatService';
import { chatViewStrings } from './chat/chatStrings';
import { ChatStore } from './chat/chatStore';
import { HistoryNotices } from './chat/historyNotices';
import { ChatViewProvider } from './chat/chatView';
import { PendingAttachments } from './chat/pendingAttachments';
import { KeptAttachments } from './chat/keptAttachments';
import { ClientProvider } from './clientProvider';
import { registerKeyCommands } from './keyCommands';
import { KeyStore } from './keyStore';
import { Log } from './log';
import { Notifier } from './notifier';
import { registerChatSurfaces } from './participant/registerChatSurfaces';
import { createTestingApi, TestRecorder, type AskCozeTestingApi } from './testingApi';
import { Prompter } from './workflow/prompter';
import { choosePlatform } from './walkthrough/platformPicker';
import { WalkthroughProgress } from './walkthrough/walkthroughProgress';
import { WorkflowRunner } from './workflow/workflowRunner';

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
  const userId = installationUserId(context);
  const pipeline = new AskPipeline({ keys, clients, notifier, log, userId });
  // The walkthrough's steps, ticked off from what is really done (src/walkthrough/).
  const walkthrough = new WalkthroughProgress({ keys, globalState: context.globalState, onDidAnswer: pipeline.onDidAnswer });
  const prompter = new Prompter(recorder?.onQuickInput);
  // Bot names everywhere (src/bots/): quiet lookups of askCoze.botId's name, except under the in-host tests.
  const botCatalog = new BotCatalog(pipeline);
  const botNames = new BotNames(context.globalState, botCatalog, log, { backgroundLookups: !recorder });
  // The history on disk, shared with other windows (docs/history.md); what the user must hear of it (historyNotices.ts).
  const historyNotices = new HistoryNotices(notifier, log);
  const chatStore = new ChatStore(vscode.Uri.joinPath(context.globalStorageUri, 'chat').fsPath, {
    onWarning: (w) => log.warn(w),
    onUnreadable: historyNotices.unreadable,
    onDeletedElsewhere: (c) => void historyNotices.deletedElsewhere(c, () => chat.keepCopy(c.id)),
  });
  // The composer's chips survive a reload, per window like the draft; pasted bytes as copies in its storage.
  const keptAttachments = new KeptAttachments({
    workspaceState: context.workspaceState,
    folder: vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'pending-attachments'),
    ownFolder: context.storageUri !== undefined,
    log,
  });
  const attachments = new PendingAttachments(notifier, log, undefined, keptAttachments);
  const chat = new ChatService({ pipeline, log, store: chatStore, workspaceState: context.workspaceState, globalState: context.globalState, attachments, botNames });
  const chatView = new ChatViewProvider(context.extensionUri, chat, chatViewStrings, notifier, log);
  const answers = new AnswerSurface(
    pipeline,
    context.extensionUri,
    answerViewStrings,
    log,
    async (state) => {
      // "Continue in chat" in an answer panel: its question, answer and Coze conversation move to the chat.
      await chat.adopt(state);
      await chatView.focusInput();
    },
    (botId, stored) => botNames.resolve(botId, stored),
  );
  const botStatus = new BotStatusBar(botNames);
  const botPicker = new BotPicker({
    catalog: botCatalog,
    names: botNames,
    pipeline,
    notifier,
    log,
    globalState: context.globalState,
    observe: recorder?.onQuickInput,
    // The open chat follows the pick, unless it is answering (it then keeps its bot; the next chat gets the new one).
    onPicked: async (botId) => {
      void walkthrough.remember('bot');
      if (chat.viewState().busy) chat.preferBot(botId);
      else await chat.selectBot(botId);
    },
  });
  const workflows = new WorkflowRunner({ pipeline, answers, prompter, globalState: context.globalState, log });
  // @coze in VS Code's Chat and the #askCoze tool, where this VS Code has the Chat API (src/participant/).
  const chatSurfaces = registerChatSurfaces({ pipeline, log, botNames, extensionUri: context.extensionUri });
  // Apply on an answer's code block: a diff to accept or discard (src/apply/).
  const applyDiffs = new ApplyDiffs(notifier, log);
  const applier = new CodeApplier(applyDiffs, notifier, log, recorder?.onQuickInput);
  chatView.applyCode = (code, turnId) => {
    const turn = chat.viewState().turns.find((t) => t.id === turnId);
    return applier.apply(code, chatSources(turn?.question), turn?.answer);
  };
  answers.applyCode = (code, sources) => applier.apply(code, sources);

  context.subscriptions.push(
    log,
    keys,
    clients,
    answers,
    chatView,
    attachments,
    // Saves an answer still arriving as interrupted, synchronously, when VS Code shuts the extension down.
    chat,
    historyNotices,
    keys.onDidChange(() => clients.reset()),
    botNames,
    botStatus,
    botNames.onDidChange(() => answers.panels.refreshBotNames()),
    // A key set after start: the bot's name can be looked up now.
    keys.onDidChange(() => void botNames.lookUpDefaultBot()),
    // A key set while an answer panel shows a rejected or missing key: that panel asks its question again.
    answers.askAgainWhenKeySet(keys),
    vscode.commands.registerCommand('askCoze.selectBot', () => botPicker.run()),
    walkthrough,
    vscode.commands.registerCommand('askCoze.choosePlatform', async () => {
      const region = await choosePlatform(prompter);
      if (region) await walkthrough.remember('platform');
      return region;
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('askCoze') || e.affectsConfiguration('http')) clients.reset();
    }),
    vscode.commands.registerCommand('askCoze.ask', (arg?: unknown) => answers.askFromEditor(arg)),
    vscode.commands.registerCommand('askCoze.stop', () => answers.stopAll()),
    vscode.commands.registerCommand('askCoze.showLog', () => log.show()),
    workflows,
    vscode.commands.registerCommand('askCoze.runWorkflow', (arg?: unknown) => workflows.runFromCommand(arg)),
    ...registerKeyCommands(keys, notifier, log, recorder?.onQuickInput),
    ...registerChatCommands(chat, chatView),
    // Search the chat history; export a conversation as Markdown (the save dialog answerable under the tests).
    ...registerHistoryCommands({ service: chat, view: chatView, notifier, log, showSaveDialog: recorder?.showSaveDialog, observe: recorder?.onQuickInput }),
    ...registerAttachmentCommands(attachments, chatView),
    applyDiffs,
    applier,
    registerApplyCommand(applier, log),
    // "Ask Coze to fix / explain" on any problem (src/codeActions/).
    ...registerQuickFixes(chat, chatView, log),
    ...chatSurfaces.disposables,
  );

  void botNames.lookUpDefaultBot();
  return recorder
    ? {
        testing: createTestingApi({
          keys,
          panels: answers.panels,
          asking: () => answers.askingContext,
          recorder,
          chat: { service: chat, view: chatView, store: chatStore, keptAttachmentsDir: keptAttachments.folder.fsPath },
          bots: { names: botNames, status: botStatus },
          participant: chatSurfaces.testing,
          walkthrough,
        }),
      }
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
