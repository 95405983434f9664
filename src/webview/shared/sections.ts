// Where a workflow's output splits into its nodes' sections (the answer panel: sectionedMarkdown.ts). Pure, so
// that the unit tests check it in plain Node (test/unit/workflowOutput.test.ts).

/** A node's output starts at `start` in the text; its title is Coze's text, shown as plain text. */
export interface SectionStart {
  title: string;
  start: number;
}

export interface Section {
  title: string;
  text: string;
}

/**
 * The text cut at the nodes' starts, each piece with its node's title; text before the first node is a piece
 * without a title. Starts past the end (a text that shrank) give empty pieces rather than failing.
 */
export function splitSections(text: string, nodes: readonly SectionStart[]): Section[] {
  const at = (offset: number) => Math.min(Math.max(offset, 0), text.length);
  const pieces: Section[] = [];
  const lead = nodes.length ? at(nodes[0]!.start) : text.length;
  if (lead > 0) pieces.push({ title: '', text: text.slice(0, lead) });
  nodes.forEach((node, i) => {
    const start = at(node.start);
    const end = Math.max(start, at(nodes[i + 1]?.start ?? text.length));
    pieces.push({ title: node.title, text: text.slice(start, end) });
  });
  return pieces;
}
