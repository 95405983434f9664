// A page's one line to the extension. VS Code lets a page call acquireVsCodeApi only once, so each page makes
// one HostBridge at start-up and passes it (or the parts of it they need) to whatever talks to the host.

export interface HostBridge<ToHost, FromHost, State> {
  /** Sends a message; the host validates everything a webview sends (src/protocol.ts). */
  post(message: ToHost): void;
  onMessage(handler: (message: FromHost) => void): void;
  /** What the page saved for itself; VS Code keeps it while the webview is hidden or the window reloads. */
  getState(): State | undefined;
  setState(state: State): void;
}

export function connectToHost<ToHost, FromHost, State>(): HostBridge<ToHost, FromHost, State> {
  const api = acquireVsCodeApi<State>();
  return {
    post: (message) => api.postMessage(message),
    onMessage: (handler) =>
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        const message = event.data;
        if (message && typeof message === 'object') handler(message as FromHost);
      }),
    getState: () => api.getState(),
    setState: (state) => {
      api.setState(state);
    },
  };
}

/** The data the host put into the page (escaped, in an attribute of #app rather than in inline script). */
export function readInitialData<T>(app: HTMLElement): T {
  return JSON.parse(app.dataset.initial ?? '{}') as T;
}

/** Links in bot output never navigate the webview: the host opens them, after checking the scheme. */
export function openLinksThroughHost(open: (href: string) => void): void {
  document.addEventListener('click', (event) => {
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor) return;
    event.preventDefault();
    const href = anchor.getAttribute('href');
    if (href) open(href);
  });
}
