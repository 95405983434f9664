import * as vscode from 'vscode';
import type { CozeBot, CozeWorkspace } from '../coze';
import type { AskPipeline } from '../ask/askPipeline';
import type { UserFacingError } from '../ask/errorMessages';
import type { Log } from '../log';
import type { Notifier } from '../notifier';
import { nextQuickInputId, type ShownQuickInput } from '../shownQuickInput';
import { apiHost, readSettings, type AskCozeSettings } from '../settings';
import type { BotCatalog, Ready } from './botCatalog';
import type { BotNames } from './botNames';
import { botIdFromInput, botNameKey, cleanBotName, listsBot, MAX_LISTED_BOTS, oneLine, withListedBot } from './botNaming';

// "Coze: Select Bot": a QuickPick over the workspaces the key sees (skipped when there is one), then the bots
// published to the API channel in the chosen one, all pages, loading with a busy indicator. Picking a bot writes
// askCoze.botId at user level (bot settings are restricted in untrusted workspaces, so a workspace value would not
// count there anyway), switches the open chat to it, and offers to keep it in askCoze.bots. Where there is no list
// (Coze Studio has none; a key without the listBot permission gets 4101) the user can paste an id or the bot's
// address; it is looked up (GET /v1/bots/:id) to show its name, and can be used even when that lookup fails.
// docs/coze-api.md#beyond-chat.

const WORKSPACE_KEY = 'askCoze.selectBot.workspaces';

/** What the command resolves with (tests and other callers read it). */
export type SelectBotOutcome =
  | { status: 'picked'; botId: string; name?: string; addedToList: boolean }
  | { status: 'canceled' }
  | { status: 'not-ready' }
  | { status: 'failed'; message: string; code?: number; logId?: string };

export interface BotPickerDeps {
  catalog: BotCatalog;
  names: BotNames;
  pipeline: AskPipeline;
  notifier: Notifier;
  log: Log;
  /** Remembers the workspace chosen last, per API address. */
  globalState: vscode.Memento;
  /** The open chat switches to the picked bot (unless it is answering). */
  onPicked(botId: string): Promise<void>;
  /** Under the in-host tests: sees each box as it opens and closes (the same observer as Run Workflow's boxes). */
  observe?: (shown: ShownQuickInput, open: boolean) => void;
}


/** A row of the picker; `action` says what accepting it does (`kind` is VS Code's, for separators). */
type Item = vscode.QuickPickItem &
  (
    | { action: 'workspace'; workspace: CozeWorkspace }
    | { action: 'bot'; bot: CozeBot }
    | { action: 'paste' }
    | { action: 'back' }
    | { action: 'open'; url: string }
    | { action: 'none' }
  );

/** How the picker ended. */
type Choice = { type: 'bot'; bot: CozeBot; add: boolean } | { type: 'paste'; typed: string } | { type: 'failed'; error: UserFacingError } | { type: 'canceled' };

export class BotPicker {
  private readonly addButton: vscode.QuickInputButton = {
    iconPath: new vscode.ThemeIcon('add'),
    tooltip: vscode.l10n.t('Select and add to the chat bots (askCoze.bots)'),
  };

  constructor(private readonly deps: BotPickerDeps) {}

  async run(): Promise<SelectBotOutcome> {
    const readiness = await this.deps.catalog.ready();
    if (!readiness.ok) {
      // Exactly like a question that cannot go out: the message and its fixes (Set API Key, Open Settings).
      this.deps.pipeline.notify(readiness.error, readiness.settings, () => void vscode.commands.executeCommand('askCoze.selectBot'));
      return { status: 'not-ready' };
    }
    const { ready } = readiness;
    if (ready.settings.region === 'studio') {
      return this.pasteId(ready, vscode.l10n.t('Coze Studio has no list of bots: paste the id of a bot published to its API connector.'));
    }
    const choice = await this.pick(ready);
    switch (choice.type) {
      case 'bot':
        return this.apply(choice.bot, { add: choice.add, named: true });
      case 'paste':
        return this.pasteId(ready, undefined, choice.typed);
      case 'failed':
        this.offerPaste(ready, choice.error);
        return { status: 'failed', message: choice.error.message, code: choice.error.code, logId: choice.error.logId };
      case 'canceled':
        return { status: 'canceled' };
    }
  }

  // ---- the list --------------------------------------------------------------------------------------------

  private pick(ready: Ready): Promise<Choice> {
    const { catalog } = this.deps;
    const { settings } = ready;
    const host = apiHost(settings.baseUrl!);
    const pick = vscode.window.createQuickPick<Item>();
    const shown: ShownQuickInput = { id: nextQuickInputId(), kind: 'pick', box: pick as unknown as vscode.QuickPick<vscode.QuickPickItem> };
    pick.title = vscode.l10n.t('Select Bot');
    // Like every other box of Ask Coze: opened from the walkthrough, the step's picture loading would close it.
    pick.ignoreFocusOut = true;
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    let step: AbortController | undefined;
    /** A new step: the previous one's request is abandoned (Back while the bots load). */
    const nextStep = (): AbortSignal => {
      step?.abort();
      step = new AbortController();
      return step.signal;
    };
    let workspaces: CozeWorkspace[] = [];
    let chosen: Choice | undefined;

    return new Promise<Choice>((resolve) => {
      const finish = (choice: Choice): void => {
        chosen ??= choice;
        pick.hide();
      };
      pick.onDidHide(() => {
        step?.abort();
        pick.dispose();
        this.deps.observe?.(shown, false);
        resolve(chosen ?? { type: 'canceled' });
      });

      const loading = (placeholder: string): void => {
        pick.busy = true;
        pick.placeholder = placeholder;
        // Paste stays available while a slow list loads.
        pick.items = [this.pasteItem()];
      };

      const showWorkspaces = (): void => {
        nextStep();
        pick.step = 1;
        pick.totalSteps = 2;
        pick.buttons = [];
        pick.busy = false;
        pick.value = '';
        pick.placeholder = vscode.l10n.t('Choose a workspace on {0}', host);
        const last = this.lastWorkspace(settings);
        const items: Item[] = workspaces.map((workspace) => ({ action: 'workspace', workspace, label: `$(organization) ${workspace.name || workspace.id}`, description: workspace.id }));
        pick.items = [...items, separator(), this.pasteItem()];
        const active = items.find((i) => i.action === 'workspace' && i.workspace.id === last);
        if (active) pick.activeItems = [active];
      };

      const showBots = async (workspace: CozeWorkspace): Promise<void> => {
        const signal = nextStep();
        const several = workspaces.length > 1;
        pick.step = several ? 2 : undefined;
        pick.totalSteps = several ? 2 : undefined;
        pick.buttons = several ? [vscode.QuickInputButtons.Back] : [];
        pick.value = '';
        const where = workspace.name || workspace.id;
        loading(vscode.l10n.t('Reading the bots of {0}…', where));
        void this.rememberWorkspace(settings, workspace.id);
        const result = await catalog.bots(ready, workspace.id, signal);
        if (signal.aborted) return;
        if (!result.ok) {
          if (!result.canceled) finish({ type: 'failed', error: result.error });
          return;
        }
        pick.busy = false;
        const bots = result.value;
        if (bots.length === 0) {
          pick.placeholder = vscode.l10n.t('No bot in {0} is published to the API channel.', where);
          pick.items = [this.pasteItem(), ...this.publishHint(settings), ...(several ? [this.backItem()] : [])];
          return;
        }
        const current = readSettings().botId;
        const listed = vscode.workspace.getConfiguration('askCoze').get<unknown>('bots');
        const items: Item[] = bots.map((bot) => this.botItem(bot, bot.id === current, listsBot(listed, bot.id)));
        pick.placeholder = vscode.l10n.t('Choose the bot for Ask Coze and the chat ({0} published to the API channel)', bots.length);
        pick.items = [...items, separator(), this.pasteItem()];
        const active = items.find((i) => i.action === 'bot' && i.bot.id === current);
        if (active) pick.activeItems = [active];
      };

      pick.onDidAccept(() => {
        const item = pick.selectedItems[0] ?? pick.activeItems[0];
        if (!item) return;
        switch (item.action) {
          case 'workspace':
            void showBots(item.workspace);
            return;
          case 'bot':
            finish({ type: 'bot', bot: item.bot, add: false });
            return;
          case 'paste':
            // An id typed (or pasted) into the filter goes along: the list did not have it.
            finish({ type: 'paste', typed: pick.value });
            return;
          case 'back':
            showWorkspaces();
            return;
          case 'open':
            void vscode.env.openExternal(vscode.Uri.parse(item.url));
            return;
          case 'none':
            return;
        }
      });
      pick.onDidTriggerButton((button) => {
        if (button === vscode.QuickInputButtons.Back) showWorkspaces();
      });
      pick.onDidTriggerItemButton(({ item }) => {
        if (item.action === 'bot') finish({ type: 'bot', bot: item.bot, add: true });
      });

      loading(vscode.l10n.t('Reading your workspaces on {0}…', host));
      pick.show();
      this.deps.observe?.(shown, true);
      const signal = nextStep();
      void catalog.workspaces(ready, signal).then((result) => {
        if (signal.aborted) return;
        if (!result.ok) {
          if (!result.canceled) finish({ type: 'failed', error: result.error });
          return;
        }
        workspaces = result.value;
        if (workspaces.length === 1) return void showBots(workspaces[0]!);
        if (workspaces.length === 0) {
          pick.busy = false;
          pick.placeholder = vscode.l10n.t('Your API key sees no workspace on {0}.', host);
          pick.items = [this.pasteItem(), ...this.publishHint(settings)];
          return;
        }
        showWorkspaces();
      });
    });
  }

  private botItem(bot: CozeBot, current: boolean, listed: boolean): Item {
    const name = cleanBotName(bot.name) || bot.id;
    return {
      action: 'bot',
      bot,
      label: `$(hubot) ${name}`,
      description: current ? `$(check) ${vscode.l10n.t('current')} · ${bot.id}` : bot.id,
      detail: bot.description ? oneLine(bot.description) : undefined,
      buttons: listed ? [] : [this.addButton],
    };
  }

  private pasteItem(): Item {
    return {
      action: 'paste',
      label: `$(edit) ${vscode.l10n.t('Paste a Bot Id…')}`,
      detail: vscode.l10n.t('A bot this list does not show: its id, or its address in Coze.'),
      alwaysShow: true,
    };
  }

  private backItem(): Item {
    return { action: 'back', label: `$(arrow-left) ${vscode.l10n.t('Choose Another Workspace')}`, alwaysShow: true };
  }

  /** Where there are no bots to list: how to publish one, and (for the clouds) a link to Coze. */
  private publishHint(settings: AskCozeSettings): Item[] {
    const site = settings.region === 'cn' ? 'https://www.coze.cn' : settings.region === 'com' ? 'https://www.coze.com' : undefined;
    const detail = vscode.l10n.t('In Coze, open the bot, choose Publish, tick "API", and publish; then it is listed here.');
    return site ? [{ action: 'open', url: site, label: `$(link-external) ${vscode.l10n.t('Open Coze')}`, detail, alwaysShow: true }] : [];
  }

  private lastWorkspace(settings: AskCozeSettings): string | undefined {
    const saved = this.deps.globalState.get<unknown>(WORKSPACE_KEY);
    const value = typeof saved === 'object' && saved !== null ? (saved as Record<string, unknown>)[botNameKey(settings.baseUrl!, '')] : undefined;
    return typeof value === 'string' ? value : undefined;
  }

  private async rememberWorkspace(settings: AskCozeSettings, workspaceId: string): Promise<void> {
    const saved = this.deps.globalState.get<unknown>(WORKSPACE_KEY);
    const map = typeof saved === 'object' && saved !== null && !Array.isArray(saved) ? { ...(saved as Record<string, unknown>) } : {};
    map[botNameKey(settings.baseUrl!, '')] = workspaceId;
    await this.deps.globalState.update(WORKSPACE_KEY, map);
  }

  // ---- a pasted id -------------------------------------------------------------------------------------------

  /** A listing failed: the reason (with code and logid) and its fixes, like a failed question, plus Paste a Bot Id. */
  private offerPaste(ready: Ready, error: UserFacingError): void {
    const { pipeline, notifier } = this.deps;
    const { settings } = ready;
    const paste = vscode.l10n.t('Paste a Bot Id…');
    const fixes = new Map(error.actions.map((action) => [pipeline.label(action, settings), action]));
    void notifier.show(error.severity, error.message, [paste, ...fixes.keys()]).then(async (choice) => {
      if (choice === paste) {
        await this.pasteId(ready);
        return;
      }
      const action = choice ? fixes.get(choice) : undefined;
      if (action) await pipeline.fix(action, settings, () => void vscode.commands.executeCommand('askCoze.selectBot'));
    });
  }

  /**
   * Asks for a bot id (or address), looks the bot up to learn its name, and uses it. When the lookup fails the
   * box says why (with Coze's code and logid) and a second Enter uses the id anyway: Coze may still answer for it.
   */
  private pasteId(ready: Ready, reason?: string, typed = ''): Promise<SelectBotOutcome> {
    const input = vscode.window.createInputBox();
    if (botIdFromInput(typed)) input.value = typed.trim();
    const shown: ShownQuickInput = { id: nextQuickInputId(), kind: 'input', box: input };
    input.title = vscode.l10n.t('Select Bot');
    input.prompt = reason ?? vscode.l10n.t('The bot id is the number after /bot/ in the bot\'s address in Coze. Pasting the address works too.');
    input.placeholder = vscode.l10n.t('Bot id or address, e.g. {0}', '7445600453913968691');
    // The id is usually copied from a browser: leaving VS Code to fetch it must not close the box.
    input.ignoreFocusOut = true;
    const session = new AbortController();
    /** The id whose lookup failed and was explained: Enter on it again uses it anyway. */
    let explained: string | undefined;
    let outcome: Promise<SelectBotOutcome> | undefined;

    return new Promise<SelectBotOutcome>((resolve) => {
      input.onDidHide(() => {
        session.abort();
        input.dispose();
        this.deps.observe?.(shown, false);
        resolve(outcome ?? { status: 'canceled' });
      });
      input.onDidChangeValue((value) => {
        const id = botIdFromInput(value);
        if (id !== explained) explained = undefined;
        input.validationMessage = value.trim() && !id ? vscode.l10n.t('Enter the digits of a bot id, or paste the bot\'s address from Coze.') : undefined;
      });
      input.onDidAccept(async () => {
        if (input.busy) return;
        const id = botIdFromInput(input.value);
        if (!id) {
          input.validationMessage = vscode.l10n.t('Enter the digits of a bot id, or paste the bot\'s address from Coze.');
          return;
        }
        if (id === explained) {
          outcome = this.apply({ id, name: '', description: '' }, { add: false, named: false });
          input.hide();
          return;
        }
        input.busy = true;
        input.enabled = false;
        input.validationMessage = undefined;
        const result = await this.deps.catalog.bot(ready, id, session.signal);
        if (session.signal.aborted) return;
        input.busy = false;
        input.enabled = true;
        if (result.ok) {
          outcome = this.apply(result.value.id ? result.value : { ...result.value, id }, { add: false, named: true });
          input.hide();
          return;
        }
        if (result.canceled) return;
        explained = id;
        input.validationMessage = {
          message: vscode.l10n.t('{0} Press Enter to use this id anyway.', result.error.message),
          severity: vscode.InputBoxValidationSeverity.Warning,
        };
      });
      input.show();
      this.deps.observe?.(shown, true);
    });
  }

  // ---- using the bot -----------------------------------------------------------------------------------------

  private async apply(bot: CozeBot, opts: { add: boolean; named: boolean }): Promise<SelectBotOutcome> {
    const { names, log } = this.deps;
    const name = opts.named ? cleanBotName(bot.name) : '';
    if (name) await names.remember(bot.id, name);
    const config = vscode.workspace.getConfiguration('askCoze');
    await config.update('botId', bot.id, vscode.ConfigurationTarget.Global);
    log.info(`Select Bot: askCoze.botId is now ${bot.id}${name ? ` (${name})` : ''}.`);
    const shown = name || names.resolve(bot.id);
    this.warnIfShadowed(bot.id, shown);
    let addedToList = false;
    if (opts.add) addedToList = await this.addToList({ id: bot.id, name: shown });
    try {
      await this.deps.onPicked(bot.id);
    } catch (err) {
      log.warn(`Select Bot: the chat could not switch to bot ${bot.id}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!opts.add && name && !listsBot(config.get<unknown>('bots'), bot.id)) this.offerToList({ id: bot.id, name });
    return { status: 'picked', botId: bot.id, name: name || undefined, addedToList };
  }

  /** A trusted workspace's own askCoze.botId wins over the user setting just written: say so instead of seeming to work. */
  private warnIfShadowed(botId: string, name: string): void {
    if (!vscode.workspace.isTrusted) return;
    const inspected = vscode.workspace.getConfiguration('askCoze').inspect<unknown>('botId');
    const local = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
    if (local === undefined || String(local).trim() === botId) return;
    const open = vscode.l10n.t('Open Workspace Settings');
    void this.deps.notifier
      .show('warning', vscode.l10n.t('This workspace sets askCoze.botId to {0}, which overrides your choice. Remove it from the workspace settings to use {1}.', String(local), name), [open])
      .then((choice) => {
        if (choice === open) void vscode.commands.executeCommand('workbench.action.openWorkspaceSettings', { query: 'askCoze.botId' });
      });
  }

  private offerToList(bot: { id: string; name: string }): void {
    const add = vscode.l10n.t('Add to Chat Bots');
    void this.deps.notifier.show('info', vscode.l10n.t('Ask Coze and the chat now use {0}.', bot.name), [add]).then(async (choice) => {
      if (choice === add) await this.addToList(bot);
    });
  }

  /** Adds the bot to askCoze.bots (user level), unless it is there already. */
  private async addToList(bot: { id: string; name: string }): Promise<boolean> {
    const config = vscode.workspace.getConfiguration('askCoze');
    const raw = config.inspect<unknown>('bots')?.globalValue;
    if (listsBot(raw, bot.id)) return false;
    if (Array.isArray(raw) && raw.length >= MAX_LISTED_BOTS) {
      void this.deps.notifier.show('warning', vscode.l10n.t('askCoze.bots already lists {0} bots, the most it can hold. Remove one to add {1}.', MAX_LISTED_BOTS, bot.name));
      return false;
    }
    const next = withListedBot(raw, bot);
    if (!next) return false;
    await config.update('bots', next, vscode.ConfigurationTarget.Global);
    this.deps.log.info(`Select Bot: added bot ${bot.id} to askCoze.bots.`);
    vscode.window.setStatusBarMessage(vscode.l10n.t('{0} is now one of the chat bots.', bot.name), 4000);
    return true;
  }
}

function separator(): Item {
  return { action: 'none', label: '', kind: vscode.QuickPickItemKind.Separator };
}
