import type { ChatViewStrings } from '../../protocol';
import { connectToHost, readInitialData } from '../shared/host';
import { ChatPage, type ChatHost } from './chatPage';

// Runs inside the chat webview view (see chatPage.ts).

const host: ChatHost = connectToHost();
const app = document.getElementById('app')!;
const initial = readInitialData<{ strings: ChatViewStrings; maxAttachmentBytes: number }>(app);
new ChatPage(app, initial.strings, host, initial.maxAttachmentBytes).start();
