import type { AnswerViewState, AnswerViewStrings, AnswerViewToHost, HostToAnswerView } from '../../protocol';
import { connectToHost, openLinksThroughHost, readInitialData } from '../shared/host';
import { loadedMarkdown, loadMarkdown, prefetchMarkdown } from '../shared/markdownLoader';
import { AnswerPage } from './answerPage';

// Runs inside the answer panel's webview. Renders the state the host pushes; talks back only through the
// typed messages of protocol.ts (which the host validates).

const host = connectToHost<AnswerViewToHost, HostToAnswerView, AnswerViewState>();
const app = document.getElementById('app')!;
const initial = readInitialData<{ state: AnswerViewState; strings: AnswerViewStrings }>(app);
const page = new AnswerPage(app, initial.strings, host);

openLinksThroughHost((href) => host.post({ type: 'openLink', href }));

function start(): void {
  host.onMessage((message) => {
    if (message.type === 'state') page.render(message.state);
  });
  page.render(initial.state);
  host.post({ type: 'ready' });
  // The panel opens because a question was asked: its answer is coming. The Markdown engine is fetched now, after
  // the panel has drawn, instead of before it (streamingMarkdown.ts).
  prefetchMarkdown();
}

// A panel restored with its answer (a window reload) waits the few milliseconds the engine takes, so that the
// answer is drawn once, as Markdown, rather than as plain text first.
if ((initial.state.text || initial.state.reasoning) && !loadedMarkdown()) {
  void loadMarkdown()
    .catch(() => undefined)
    .then(start);
} else {
  start();
}
