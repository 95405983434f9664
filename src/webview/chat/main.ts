import type { ChatViewStrings } from '../../protocol';
import { connectToHost, readInitialData } from '../shared/host';
import { prefetchMarkdown } from '../shared/markdownLoader';
import { ChatPage, type ChatHost } from './chatPage';

// Runs inside the chat webview view (see chatPage.ts).

const host: ChatHost = connectToHost();
const app = document.getElementById('app')!;
const initial = readInitialData<{ strings: ChatViewStrings; maxAttachmentBytes: number }>(app);
new ChatPage(app, initial.strings, host, initial.maxAttachmentBytes).start();
// The Markdown engine loads when there is Markdown to show (streamingMarkdown.ts); a question being typed means an
// answer is coming, so it is fetched then, ahead of the first text.
app.addEventListener('input', prefetchMarkdown, { once: true });
