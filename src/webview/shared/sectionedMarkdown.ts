import { el } from './dom';
import { splitSections, type SectionStart } from './sections';
import { StreamingMarkdown } from './streamingMarkdown';

// A workflow's output in the answer panel: one streaming Markdown renderer per node, each under a quiet
// heading with the node's title. The heading is drawn here, as text, so a node title (Coze's text) is never
// Markdown, and a node's output cannot pass for a heading of ours or leave a code fence open into the next
// node. Only the last section grows; the ones before it are finished.

interface ShownSection {
  heading: HTMLElement;
  body: HTMLElement;
  markdown: StreamingMarkdown;
  text: string;
}

export class SectionedMarkdown {
  private readonly shown: ShownSection[] = [];

  constructor(
    private readonly container: HTMLElement,
    /** Called with every subtree inserted (code-block toolbars). */
    private readonly decorate: (root: ParentNode) => void,
  ) {}

  update(text: string, nodes: readonly SectionStart[], busy: boolean): void {
    const pieces = splitSections(text, nodes);
    while (this.shown.length > pieces.length) {
      const gone = this.shown.pop()!;
      gone.heading.remove();
      gone.body.remove();
    }
    pieces.forEach((piece, i) => {
      const section = this.shown[i] ?? this.add();
      if (section.heading.textContent !== piece.title) section.heading.textContent = piece.title;
      section.heading.hidden = !piece.title;
      if (piece.text !== section.text) {
        if (!section.markdown.isFinished && piece.text.startsWith(section.text)) section.markdown.append(piece.text.slice(section.text.length));
        else section.markdown.set(piece.text);
        section.text = piece.text;
      }
      if (i < pieces.length - 1 || !busy) section.markdown.finish();
    });
  }

  private add(): ShownSection {
    const heading = el('h3', 'node-title');
    const body = el('div', 'node-output');
    this.container.append(heading, body);
    const section = { heading, body, markdown: new StreamingMarkdown(body, this.decorate), text: '' };
    this.shown.push(section);
    return section;
  }
}
