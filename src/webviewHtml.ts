import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { isAllowedExternalLink } from './protocol';

// What every webview of ours shares on the host side: one function builds every page (a fresh nonce per load,
// a CSP that allows nothing but our own nonce'd script and stylesheet — no inline handlers, no eval, no remote
// anything — and the initial data in an escaped attribute rather than in inline script), the same webview
// options, the same streaming update interval, and the one way a link from bot output is opened.

/** Streaming updates to a webview are coalesced to at most one message per this interval. */
export const UPDATE_INTERVAL_MS = 40;

/** Scripts on, command URIs off, and only our own bundles and media loadable. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** Links in bot output open only through VS Code, and only for http(s); anything else is logged and dropped. */
export function openLinkFromWebview(href: string, log: { warn(message: string): void }, from: string): Thenable<boolean> | undefined {
  if (isAllowedExternalLink(href)) return vscode.env.openExternal(vscode.Uri.parse(href, true));
  log.warn(`Blocked a link with a disallowed scheme from ${from}.`);
  return undefined;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/** For values inside double-quoted attributes (single quotes stay as they are: the CSP needs them). */
function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export interface WebviewPage {
  webview: vscode.Webview;
  extensionUri: vscode.Uri;
  title: string;
  script: string; // path under dist/, e.g. 'webview/answer.js'
  style: string; // path under media/, e.g. 'answer.css'
  data: unknown;
  lang: string;
}

export function buildWebviewHtml(page: WebviewPage): string {
  const nonce = makeNonce();
  const { webview } = page;
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(page.extensionUri, 'dist', ...page.script.split('/')));
  const styleUri = webview.asWebviewUri(vscode.Uri.joinPath(page.extensionUri, 'media', page.style));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    // The entry is an ES module; the chunks it imports (dist/webview/chunks/, docs/architecture.md) inherit its
    // nonce, so no source is allowed beyond it.
    `script-src 'nonce-${nonce}'`,
    // Bot output may reference images; only our own resources load (remote images stay blocked).
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeAttribute(page.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(styleUri.toString())}" nonce="${nonce}">
<title>${escapeAttribute(page.title)}</title>
</head>
<body>
<div id="app" data-initial="${escapeAttribute(JSON.stringify(page.data))}"></div>
<script nonce="${nonce}" type="module" src="${escapeAttribute(scriptUri.toString())}"></script>
</body>
</html>`;
}
