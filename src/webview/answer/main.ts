import type { AnswerViewState, AnswerViewStrings, AnswerViewToHost, HostToAnswerView } from '../../protocol';
import { connectToHost, openLinksThroughHost, readInitialData } from '../shared/host';
import { AnswerPage } from './answerPage';

// Runs inside the answer panel's webview. Renders the state the host pushes; talks back only through the
// typed messages of protocol.ts (which the host validates).

const host = connectToHost<AnswerViewToHost, HostToAnswerView, AnswerViewState>();
const app = document.getElementById('app')!;
const initial = readInitialData<{ state: AnswerViewState; strings: AnswerViewStrings }>(app);
const page = new AnswerPage(app, initial.strings, host);

openLinksThroughHost((href) => host.post({ type: 'openLink', href }));
host.onMessage((message) => {
  if (message.type === 'state') page.render(message.state);
});
page.render(initial.state);
host.post({ type: 'ready' });
