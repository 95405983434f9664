import type { ChatViewState, ChatViewStrings, ChatViewToHost, HostToChatView } from '../protocol';
import { button, el, format } from './chatDom';
import { HistoryPanel } from './chatHistory';
import { TurnView, type TurnActions } from './chatTurn';

// Runs inside the chat webview view. Renders the state the extension sends (the extension is the source of
// truth: on load this page asks for it with 'ready'), and sends what the user does as the typed messages of
// protocol.ts, which the extension validates. Streamed answer text arrives as 'progress' pieces and is rendered
// incrementally (StreamingMarkdown).

interface VsCodeApi {
  postMessage(message: ChatViewToHost): void;
  getState(): PageState | undefined;
  setState(state: PageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What the page keeps for itself across hide/show: the unsent draft and the questions sent (for ↑). */
interface PageState {
  draft: string;
  sent: string[];
}

const MAX_RECALL = 50;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
const t = (JSON.parse(app.dataset.initial ?? '{}') as { strings: ChatViewStrings }).strings;
const page: PageState = { draft: '', sent: [], ...vscode.getState() };

const post = (message: ChatViewToHost) => vscode.postMessage(message);

// ---- skeleton ----------------------------------------------------------------------------------------------
const header = el('header', 'chat-header');
const title = el('h1', 'chat-title');
const botLabel = el('label', 'bot-picker');
const botSelect = el('select', 'bot-select');
botLabel.append(el('span', 'bot-picker-label', t.botLabel), botSelect);
header.append(title, botLabel);

const transcript = el('main', 'transcript');
transcript.setAttribute('aria-label', t.bot);
transcript.tabIndex = -1;
const trimmedNote = el('p', 'trimmed-note');
const turnList = el('div', 'turns');
const emptyState = el('div', 'empty-state');
transcript.append(trimmedNote, turnList, emptyState);

const composer = el('form', 'composer');
const input = el('textarea', 'composer-input');
input.rows = 1;
input.placeholder = t.inputPlaceholder;
input.setAttribute('aria-label', t.inputLabel);
const sendButton = button(t.send, 'primary send', () => submit());
const stopButton = button(t.stop, 'secondary stop', () => post({ type: 'stop' }), 'Escape');
const composerActions = el('div', 'composer-actions');
composerActions.append(stopButton, sendButton);
composer.append(input, composerActions);

// Said once per change, for screen readers ("Coze is answering…", "Coze has answered.").
const announcer = el('div', 'sr-only');
announcer.setAttribute('role', 'status');
announcer.setAttribute('aria-live', 'polite');

const history = new HistoryPanel(t, {
  open: (id) => {
    post({ type: 'openConversation', id });
    showHistory(false);
  },
  rename: (id, newTitle) => post({ type: 'renameConversation', id, title: newTitle }),
  remove: (id) => post({ type: 'deleteConversation', id }),
  close: () => showHistory(false),
});

app.append(header, transcript, history.element, composer, announcer);

// ---- state -------------------------------------------------------------------------------------------------
let state: ChatViewState | undefined;
const views = new Map<string, TurnView>();
let renderedConversation = '';
let lastAnnouncedStatus = '';

const turnActions: TurnActions = {
  copy: (text) => post({ type: 'copy', text }),
  insert: (code) => post({ type: 'insertCode', code }),
  retry: (turnId) => post({ type: 'retry', turnId }),
  followUp: (question) => {
    post({ type: 'send', text: question });
    input.focus();
  },
  fix: (action) => post({ type: 'fixAction', action }),
};

function nearBottom(): boolean {
  return transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 48;
}

function keepAtBottom(wasNearBottom: boolean): void {
  if (wasNearBottom) transcript.scrollTop = transcript.scrollHeight;
}

function render(next: ChatViewState): void {
  const stick = nearBottom() || next.conversationId !== renderedConversation;
  state = next;
  if (next.conversationId !== renderedConversation) {
    renderedConversation = next.conversationId;
    views.clear();
    turnList.replaceChildren();
  }
  title.textContent = next.title || t.untitled;
  title.title = next.title;

  botSelect.replaceChildren(...next.bots.map((bot) => {
    const option = el('option', undefined, bot.name);
    option.value = bot.id;
    option.title = bot.id;
    return option;
  }));
  botSelect.value = next.botId;
  botLabel.hidden = next.bots.length < 2;

  trimmedNote.hidden = next.trimmedTurns === 0;
  trimmedNote.textContent = format(t.trimmed, next.trimmedTurns);

  // Turns: keyed by id, so a turn that did not change keeps its DOM (and its rendered Markdown).
  const ids = new Set(next.turns.map((turn) => turn.id));
  for (const [id, view] of views) {
    if (!ids.has(id)) {
      view.element.remove();
      views.delete(id);
    }
  }
  next.turns.forEach((turn, index) => {
    const isLast = index === next.turns.length - 1;
    let view = views.get(turn.id);
    if (!view) {
      view = new TurnView(turn, t, turnActions);
      views.set(turn.id, view);
    }
    view.update(turn, isLast);
    if (turnList.children[index] !== view.element) turnList.insertBefore(view.element, turnList.children[index] ?? null);
  });

  renderEmptyState(next);
  history.update(next.history, next.conversationId);
  setBusy(next.busy);
  announce(next.turns.at(-1)?.status ?? '');
  keepAtBottom(stick);
}

function renderEmptyState(next: ChatViewState): void {
  emptyState.hidden = next.turns.length > 0;
  if (emptyState.hidden) return;
  emptyState.replaceChildren(el('h2', undefined, t.emptyTitle), el('p', undefined, t.emptyHint));
  const recent = next.history.slice(0, 5);
  if (recent.length) {
    const list = el('ul', 'recent');
    for (const item of recent) {
      const li = el('li');
      li.append(button(item.title || t.untitled, 'link-button', () => post({ type: 'openConversation', id: item.id })));
      list.append(li);
    }
    emptyState.append(el('h3', undefined, t.history), list);
  }
}

function announce(status: string): void {
  if (status === lastAnnouncedStatus) return;
  lastAnnouncedStatus = status;
  const text = status === 'waiting' || status === 'streaming' ? t.answering : status === 'done' ? t.answered : status === 'stopped' ? t.stopped : status === 'failed' ? t.failed : '';
  if (text && announcer.textContent !== text) announcer.textContent = text;
}

let busy = false;
function setBusy(value: boolean): void {
  busy = value;
  document.body.classList.toggle('busy', value);
  stopButton.hidden = !value;
  sendButton.hidden = value;
  updateSendEnabled();
}

function updateSendEnabled(): void {
  sendButton.disabled = input.value.trim() === '';
}

function showHistory(visible: boolean): void {
  history.show(visible);
  transcript.hidden = visible;
  composer.hidden = visible;
  if (!visible) input.focus();
}

// ---- composer ----------------------------------------------------------------------------------------------
function saveDraft(): void {
  page.draft = input.value;
  vscode.setState(page);
}

function autosize(): void {
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, Math.round(window.innerHeight * 0.4))}px`;
}

function submit(): void {
  const text = input.value;
  if (!text.trim() || busy) return;
  post({ type: 'send', text });
  page.sent = [...page.sent.filter((q) => q !== text), text].slice(-MAX_RECALL);
  recallIndex = -1;
  input.value = '';
  saveDraft();
  autosize();
  updateSendEnabled();
  input.focus();
}

/** Questions for ↑/↓: those of this conversation, else the ones sent from this view. */
function recallList(): string[] {
  const fromTurns = state?.turns.map((turn) => turn.question) ?? [];
  return fromTurns.length ? fromTurns : page.sent;
}

let recallIndex = -1;
function recall(direction: -1 | 1): boolean {
  const list = recallList();
  if (!list.length) return false;
  const next = recallIndex === -1 ? (direction === -1 ? list.length - 1 : -1) : recallIndex + direction;
  if (next < 0 || next >= list.length) {
    if (direction === 1 && recallIndex !== -1) {
      recallIndex = -1;
      input.value = '';
      autosize();
      updateSendEnabled();
      return true;
    }
    return false;
  }
  recallIndex = next;
  input.value = list[next]!;
  autosize();
  updateSendEnabled();
  input.setSelectionRange(input.value.length, input.value.length);
  return true;
}

composer.addEventListener('submit', (event) => {
  event.preventDefault();
  submit();
});

input.addEventListener('input', () => {
  recallIndex = -1;
  autosize();
  updateSendEnabled();
  saveDraft();
});

input.addEventListener('keydown', (event) => {
  if (event.isComposing || event.keyCode === 229) return; // an IME (Chinese input) is composing: Enter is its own
  if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
    event.preventDefault();
    submit();
    return;
  }
  const atStart = input.selectionStart === 0 && input.selectionEnd === 0;
  const recalled = recallIndex !== -1 && input.value === recallList()[recallIndex];
  if (event.key === 'ArrowUp' && (input.value === '' || (recalled && atStart))) {
    if (recall(-1)) event.preventDefault();
    return;
  }
  if (event.key === 'ArrowDown' && recalled && input.selectionStart === input.value.length) {
    if (recall(1)) event.preventDefault();
  }
});

// Escape stops the answer from anywhere in the view (the history panel handles its own Escape first).
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && busy) {
    event.preventDefault();
    post({ type: 'stop' });
  } else if (event.key === 'Escape' && history.visible) {
    showHistory(false);
  }
});

botSelect.addEventListener('change', () => post({ type: 'selectBot', botId: botSelect.value }));

// Links in bot output never navigate the webview: the extension opens them after checking the scheme.
document.addEventListener('click', (event) => {
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor) return;
  event.preventDefault();
  const href = anchor.getAttribute('href');
  if (href) post({ type: 'openLink', href });
});

// When VS Code focuses the view (its Focus command, or a click on the activity bar icon), put the caret in the input.
window.addEventListener('focus', () => {
  if (!history.visible && (document.activeElement === document.body || document.activeElement === null)) input.focus();
});

// ---- messages from the extension ---------------------------------------------------------------------------
window.addEventListener('message', (event: MessageEvent<HostToChatView>) => {
  const message = event.data;
  if (!message || typeof message !== 'object') return;
  switch (message.type) {
    case 'state':
      render(message.state);
      break;
    case 'progress': {
      const view = views.get(message.turnId);
      const stick = nearBottom();
      if (!view || !view.progress(message.offset, message.append, message.status, message.statusText)) {
        post({ type: 'ready' }); // out of step: ask for the whole state again
        break;
      }
      announce(message.status);
      keepAtBottom(stick);
      break;
    }
    case 'insertInput': {
      showHistory(false);
      const draft = input.value.replace(/\s+$/, '');
      input.value = draft ? `${draft}\n\n${message.text}` : message.text;
      autosize();
      updateSendEnabled();
      saveDraft();
      input.focus();
      input.setSelectionRange(input.value.length, input.value.length);
      input.scrollTop = input.scrollHeight;
      break;
    }
    case 'focusInput':
      showHistory(false);
      input.focus();
      break;
    case 'showHistory':
      showHistory(message.show ? !history.visible : false); // the History button toggles
      break;
  }
});

input.value = page.draft;
autosize();
setBusy(false);
emptyState.hidden = true;
post({ type: 'ready' });
input.focus();
