import type { ChatViewStrings } from '../../protocol';
import { connectToHost, readInitialData } from '../shared/host';
import { ChatPage, type ChatHost } from './chatPage';

// Runs inside the chat webview view (see chatPage.ts).

const host: ChatHost = connectToHost();
const app = document.getElementById('app')!;
new ChatPage(app, readInitialData<{ strings: ChatViewStrings }>(app).strings, host).start();
