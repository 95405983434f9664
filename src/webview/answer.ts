import type { AnswerViewState, AnswerViewStrings, AnswerViewToHost, HostToAnswerView } from '../protocol';
import { decorateCodeBlocks, flash } from './codeBlocks';
import { renderMarkdown } from './markdown';

// Runs inside the answer panel's webview. Renders the state the host pushes; talks back only through the
// typed messages of protocol.ts (which the host validates).

interface VsCodeApi {
  postMessage(message: AnswerViewToHost): void;
  setState(state: AnswerViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
const initial = JSON.parse(app.dataset.initial ?? '{}') as { state: AnswerViewState; strings: AnswerViewStrings };
const t = initial.strings;

function format(template: string, ...args: Array<string | number>): string {
  return template.replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)] ?? ''));
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Static skeleton; the parts are filled by render().
const questionBox = el('section', 'question');
const questionLabel = el('div', 'label', t.question);
const questionText = el('div', 'question-text');
const questionToggle = el('button', 'link-button', t.showMore);
questionToggle.type = 'button';
questionBox.append(questionLabel, questionText, questionToggle);

const answerBox = el('main', 'answer markdown-body');
answerBox.setAttribute('aria-live', 'polite');
answerBox.setAttribute('aria-busy', 'false');
const statusBox = el('div', 'status');
statusBox.setAttribute('role', 'status');
const errorBox = el('div', 'error');
errorBox.setAttribute('role', 'alert');
const followUpBox = el('nav', 'follow-ups');
followUpBox.setAttribute('aria-label', t.followUps);
const footer = el('footer', 'meta');
const metaText = el('span', 'meta-text');
const copyAnswer = el('button', 'secondary', t.copyAnswer);
copyAnswer.type = 'button';
// The question and answer (and Coze's conversation) move to the chat, to go on from there.
const continueInChat = el('button', 'secondary continue-in-chat', t.continueInChat);
continueInChat.type = 'button';
continueInChat.addEventListener('click', () => vscode.postMessage({ type: 'continueInChat' }));
const footerButtons = el('span', 'footer-buttons');
footerButtons.append(continueInChat, copyAnswer);
footer.append(metaText, footerButtons);
app.append(questionBox, answerBox, statusBox, errorBox, followUpBox, footer);

let state = initial.state;
let renderedText: string | undefined;
let renderedQuestion: string | undefined;
let questionExpanded = false;

function render(next: AnswerViewState): void {
  state = next;
  vscode.setState(next); // lets the panel come back after a window reload

  if (next.question !== renderedQuestion) {
    renderedQuestion = next.question;
    questionText.textContent = next.question;
    const long = next.question.length > 400 || next.question.split('\n').length > 8;
    questionToggle.hidden = !long;
    questionBox.classList.toggle('collapsed', long && !questionExpanded);
  }

  if (next.text !== renderedText) {
    renderedText = next.text;
    answerBox.innerHTML = renderMarkdown(next.text);
    decorateCodeBlocks(answerBox, t, { copy: (text) => vscode.postMessage({ type: 'copy', text }) });
  }
  const busy = next.phase === 'waiting' || next.phase === 'streaming';
  answerBox.setAttribute('aria-busy', String(busy));
  document.body.dataset.phase = next.phase;

  statusBox.replaceChildren();
  if (busy) {
    statusBox.append(el('span', 'spinner'), el('span', undefined, next.statusText ?? t.waiting));
  } else if (next.phase === 'canceled') {
    statusBox.append(el('span', 'stopped', t.stopped), retryButton('secondary'));
  }

  errorBox.replaceChildren();
  if (next.phase === 'failed') {
    errorBox.append(el('p', undefined, next.error?.message ?? t.failed), retryButton('primary'));
  }

  followUpBox.replaceChildren();
  if (next.followUps.length && next.phase === 'done') {
    followUpBox.append(el('span', 'label', t.followUps));
    for (const question of next.followUps) {
      const chip = el('button', 'chip', question);
      chip.type = 'button';
      chip.addEventListener('click', () => vscode.postMessage({ type: 'askFollowUp', question }));
      followUpBox.append(chip);
    }
  }

  const meta: string[] = [];
  if (next.botId) meta.push(format(t.bot, next.botId));
  if (next.usage) meta.push(format(t.tokens, next.usage.tokenCount));
  if (next.elapsedMs !== undefined && !busy) meta.push(`${(next.elapsedMs / 1000).toFixed(1)} s`);
  metaText.textContent = meta.join(' · ');
  copyAnswer.hidden = !next.text;
  continueInChat.hidden = busy || !next.question;
}

function retryButton(kind: 'primary' | 'secondary'): HTMLButtonElement {
  const retry = el('button', kind, t.retry);
  retry.type = 'button';
  retry.addEventListener('click', () => vscode.postMessage({ type: 'retry' }));
  return retry;
}

questionToggle.addEventListener('click', () => {
  questionExpanded = !questionExpanded;
  questionBox.classList.toggle('collapsed', !questionExpanded);
  questionToggle.textContent = questionExpanded ? t.showLess : t.showMore;
});

copyAnswer.addEventListener('click', () => {
  vscode.postMessage({ type: 'copy', text: state.text });
  flash(copyAnswer, t.copyAnswer, t.copied);
});

// Links in bot output never navigate the webview: the host opens them after checking the scheme.
document.addEventListener('click', (event) => {
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor) return;
  event.preventDefault();
  const href = anchor.getAttribute('href');
  if (href) vscode.postMessage({ type: 'openLink', href });
});

window.addEventListener('message', (event: MessageEvent<HostToAnswerView>) => {
  const message = event.data;
  if (message && message.type === 'state') render(message.state);
});

render(state);
vscode.postMessage({ type: 'ready' });
