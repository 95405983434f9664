import * as os from 'node:os';
import * as vscode from 'vscode';
import type { Log } from '../log';
import type { Notifier } from '../notifier';
import { parseConversationArg } from '../protocol';
import { nextQuickInputId, type ShownQuickInput } from '../shownQuickInput';
import type { ChatService } from './chatService';
import { chatViewStrings } from './chatStrings';
import type { ChatViewProvider } from './chatView';
import { HistorySearcher, type SearchHit } from './historySearch';
import { conversationMarkdown, exportFileName, type ExportLabels } from './markdownExport';

// Coze: Search Chat History (a picker over every conversation's questions and answers, hits listed as they are
// found, each opening its conversation at its turn) and Coze: Export Conversation as Markdown (the open
// conversation, or the one a history item's Export button names).

export interface HistoryCommandDeps {
  service: ChatService;
  view: ChatViewProvider;
  notifier: Notifier;
  log: Log;
  /** The save dialog; under the in-host tests, one a test can answer (src/testingApi.ts). */
  showSaveDialog?: (options: vscode.SaveDialogOptions) => Thenable<vscode.Uri | undefined>;
  /** Sees the picker open and close, under the in-host tests (src/testingApi.ts); absent otherwise. */
  observe?: (shown: ShownQuickInput, open: boolean) => void;
}

export function registerHistoryCommands(deps: HistoryCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('askCoze.searchHistory', () => searchHistory(deps)),
    vscode.commands.registerCommand('askCoze.exportConversation', (arg?: unknown) => exportConversation(deps, parseConversationArg(arg))),
  ];
}

// ---- search ------------------------------------------------------------------------------------------------

interface HitItem extends vscode.QuickPickItem {
  conversationId: string;
  turnId?: string;
}

/** Typing pauses this long before a search starts. */
const SEARCH_DELAY_MS = 120;

/** `$(name)` in bot text is not an icon: escaped as VS Code's labels expect. */
function noIcons(text: string): string {
  return text.replace(/(\\)?\$\(/g, (match, escaped: string | undefined) => (escaped ? match : '\\$('));
}

function formatDate(epochMs: number): string {
  try {
    return new Intl.DateTimeFormat(vscode.env.language, { dateStyle: 'medium', timeStyle: 'short' }).format(epochMs);
  } catch {
    return new Date(epochMs).toLocaleString();
  }
}

function searchHistory(deps: HistoryCommandDeps): Promise<void> {
  const t = chatViewStrings();
  const title = vscode.l10n.t('Search Chat History');
  const box = vscode.window.createQuickPick<HitItem>();
  box.title = title;
  box.placeholder = vscode.l10n.t('Search the questions and answers of every conversation');
  // The hits are the search's own: VS Code's filter on the typed text must not hide or reorder them.
  box.matchOnDescription = false;
  box.matchOnDetail = false;
  const searcher = new HistorySearcher(() => deps.service.historyFiles());
  const shown: ShownQuickInput = { id: nextQuickInputId(), kind: 'pick', box };
  let generation = 0;
  let timer: NodeJS.Timeout | undefined;

  const hitItem = (hit: SearchHit): HitItem => {
    const where = hit.field === 'question' ? t.searchInQuestion : hit.field === 'answer' ? t.searchInAnswer : t.searchInTitle;
    return {
      label: noIcons(hit.title || t.untitled),
      description: `${formatDate(hit.updatedAt)} · ${where}`,
      detail: noIcons(`${hit.snippet.before}${hit.snippet.match}${hit.snippet.after}`),
      alwaysShow: true,
      conversationId: hit.conversationId,
      turnId: hit.turnId,
    };
  };

  const run = async (value: string): Promise<void> => {
    const mine = ++generation;
    const query = value.trim();
    if (!query) {
      // Nothing typed: the conversations themselves, most recent first.
      searcher.cancel();
      box.busy = false;
      box.title = title;
      const files = await deps.service.historyFiles();
      if (mine !== generation) return; // typed on meanwhile
      box.items = files.map(({ summary }) => ({
        label: noIcons(summary.title || t.untitled),
        description: formatDate(summary.updatedAt),
        detail: t.turns.replace('{0}', String(summary.turns)),
        conversationId: summary.id,
      }));
      return;
    }
    box.busy = true;
    const found: HitItem[] = [];
    const outcome = await searcher.search(query, (hits) => {
      if (mine !== generation) return;
      found.push(...hits.map(hitItem));
      box.items = [...found];
    });
    if (mine !== generation || outcome.status === 'canceled') return;
    box.items = [...found];
    box.busy = false;
    box.title = found.length === 0 ? `${title} — ${t.searchNoMatches}` : outcome.status === 'limit' ? `${title} — ${t.searchLimited.replace('{0}', String(found.length))}` : title;
  };
  const fail = (err: unknown) => deps.log.error(`Chat history search failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);

  return new Promise<void>((resolve) => {
    const listeners = [
      box.onDidChangeValue((value) => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => void run(value).catch(fail), SEARCH_DELAY_MS);
      }),
      box.onDidAccept(() => {
        const item = box.selectedItems[0] ?? box.activeItems[0];
        if (!item) return;
        const query = box.value.trim();
        box.hide();
        void openHit(deps, item, query).catch(fail);
      }),
      box.onDidHide(() => {
        if (timer) clearTimeout(timer);
        generation++;
        searcher.cancel();
        for (const listener of listeners) listener.dispose();
        deps.observe?.(shown, false);
        box.dispose();
        resolve();
      }),
    ];
    deps.observe?.(shown, true);
    box.show();
    void run('').catch(fail);
  });
}

async function openHit(deps: HistoryCommandDeps, item: HitItem, query: string): Promise<void> {
  if (!(await deps.service.open(item.conversationId))) {
    void deps.notifier.show('info', vscode.l10n.t('That conversation is no longer in the history.'));
    return;
  }
  if (item.turnId) await deps.view.revealTurn(item.conversationId, item.turnId, query || undefined);
  else await deps.view.reveal();
}

// ---- export ------------------------------------------------------------------------------------------------

function exportLabels(): ExportLabels {
  const t = chatViewStrings();
  return {
    date: vscode.l10n.t('Date'),
    bot: t.botLabel,
    you: t.you,
    trimmed: t.trimmed,
    attachedFiles: t.attachedFiles,
    thoughtFor: t.thoughtFor,
    thoughts: t.thoughts,
    stopped: t.stopped,
    interrupted: t.interrupted,
    failed: t.failed,
    code: t.code,
    logId: t.logId,
    untitled: t.untitled,
  };
}

function shownPath(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString(true);
}

/** Writes the conversation `id` (else the open one) as Markdown where the user says; resolves with the file, if written. */
export async function exportConversation(deps: HistoryCommandDeps, id: string | undefined): Promise<vscode.Uri | undefined> {
  const conversation = id === undefined ? deps.service.currentConversation : await deps.service.conversation(id);
  if (!conversation) {
    void deps.notifier.show('info', vscode.l10n.t('That conversation is no longer in the history.'));
    return undefined;
  }
  if (conversation.turns.length === 0) {
    void deps.notifier.show('info', vscode.l10n.t('There is nothing to export yet: this chat has no questions.'));
    return undefined;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  const options: vscode.SaveDialogOptions = {
    defaultUri: vscode.Uri.joinPath(folder, exportFileName(conversation.title, vscode.l10n.t('Chat'))),
    filters: { Markdown: ['md'] },
    saveLabel: vscode.l10n.t('Export'),
    title: vscode.l10n.t('Export Conversation as Markdown'),
  };
  const target = await (deps.showSaveDialog ?? vscode.window.showSaveDialog)(options);
  if (!target) return undefined;
  const markdown = conversationMarkdown(conversation, { labels: exportLabels(), formatDate, botName: (botId, stored) => deps.service.botName(botId, stored) });
  try {
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(markdown));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    deps.log.warn(`Chat: the conversation could not be exported: ${reason}`);
    const again = vscode.l10n.t('Choose Another Place…');
    const choice = await deps.notifier.show('error', vscode.l10n.t('The conversation could not be saved to {0}: {1}', shownPath(target), reason), [again]);
    return choice === again ? exportConversation(deps, conversation.id) : undefined;
  }
  deps.log.info(`Chat: a conversation of ${conversation.turns.length} turns exported as Markdown.`);
  const open = vscode.l10n.t('Open');
  void deps.notifier.show('info', vscode.l10n.t('Conversation exported to {0}.', shownPath(target)), [open]).then((choice) => {
    if (choice === open) void vscode.window.showTextDocument(target);
  });
  return target;
}
