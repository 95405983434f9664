import * as assert from 'node:assert/strict';
import { restoreAnswerViewState } from '../../src/protocol';
import { splitSections } from '../../src/webview/shared/sections';
import { WorkflowOutput } from '../../src/workflow/workflowOutput';

// A workflow's output in the answer panel: one text for Copy and restore, and where each node's section
// starts, so that the panel draws the node titles as headings of its own (never as Markdown).

const sections = (out: WorkflowOutput) => splitSections(out.text, out.nodes);

describe('workflow output: node headings (WorkflowOutput)', () => {
  it('starts a section when the node changes; messages of one node stream into it', () => {
    const out = new WorkflowOutput();
    out.add({ content: 'Thin', nodeTitle: 'LLM' });
    out.add({ content: 'king…', nodeTitle: 'LLM', nodeIsFinish: true });
    out.add({ content: '{"output": 1}', nodeTitle: 'End', nodeIsFinish: true });
    assert.deepEqual(sections(out), [
      { title: 'LLM', text: 'Thinking…\n\n' },
      { title: 'End', text: '{"output": 1}' },
    ]);
    assert.equal(out.text, 'Thinking…\n\n{"output": 1}', 'Copy gets the whole output');
    assert.equal(out.currentTitle, 'End');
  });

  it('the same node again after it finished is a new section; a title is one bounded line', () => {
    const out = new WorkflowOutput();
    out.add({ content: 'a', nodeTitle: 'Loop', nodeIsFinish: true });
    out.add({ content: 'b', nodeTitle: 'Loop', nodeIsFinish: true });
    out.add({ content: 'c', nodeTitle: `  two\nlines ${'x'.repeat(100)}` });
    const [first, second, third] = sections(out);
    assert.deepEqual([first!.title, second!.title], ['Loop', 'Loop']);
    assert.match(third!.title, /^two lines x+…$/);
    assert.equal(third!.title.length, 81);
  });

  it('output without a node title has no heading; a title that looks like Markdown stays text', () => {
    const out = new WorkflowOutput();
    out.add({ content: 'plain' });
    out.add({ content: 'x', nodeTitle: '# <b>End</b>' });
    assert.deepEqual(sections(out), [
      { title: '', text: 'plain\n\n' },
      { title: '# <b>End</b>', text: 'x' },
    ]);
  });

  it('an interrupt shows the question under its node, once, and the answer follows as a quote', () => {
    const out = new WorkflowOutput();
    out.add({ content: 'Working', nodeTitle: 'LLM', nodeIsFinish: true });
    out.add({ content: 'What is your name?', nodeTitle: 'Question' });
    out.ask({ nodeTitle: 'Question', prompt: 'What is your name?' });
    out.answer('Ada\nLovelace');
    out.add({ content: 'Hello Ada', nodeTitle: 'End', nodeIsFinish: true });
    assert.deepEqual(sections(out), [
      { title: 'LLM', text: 'Working\n\n' },
      { title: 'Question', text: 'What is your name?\n\n> Ada\n> Lovelace\n\n' },
      { title: 'End', text: 'Hello Ada' },
    ]);
    const other = new WorkflowOutput();
    other.ask({ nodeTitle: 'Input', prompt: 'Your city?' });
    other.answer('Paris');
    other.add({ content: 'ok', nodeTitle: 'Input' });
    assert.deepEqual(sections(other), [
      { title: 'Input', text: 'Your city?\n\n> Paris\n\n' },
      { title: 'Input', text: 'ok' },
    ], 'output after the answer is a new section, even from the same node');
  });
});

describe('workflow output: splitting the text into sections (splitSections)', () => {
  it('text before the first node is a section without a title; no nodes is one section', () => {
    assert.deepEqual(splitSections('abcdef', [{ title: 'N', start: 2 }]), [{ title: '', text: 'ab' }, { title: 'N', text: 'cdef' }]);
    assert.deepEqual(splitSections('abc', []), [{ title: '', text: 'abc' }]);
    assert.deepEqual(splitSections('', []), []);
  });

  it('never fails on starts past the end or out of order', () => {
    assert.deepEqual(splitSections('ab', [{ title: 'A', start: 0 }, { title: 'B', start: 9 }]), [{ title: 'A', text: 'ab' }, { title: 'B', text: '' }]);
    assert.deepEqual(splitSections('abcd', [{ title: 'A', start: 3 }, { title: 'B', start: 1 }]), [{ title: '', text: 'abc' }, { title: 'A', text: '' }, { title: 'B', text: 'bcd' }]);
  });
});

describe('workflow output: the panel state read back after a reload (restoreAnswerViewState)', () => {
  const base = { question: '{"input": "x"}', text: 'Q?\n\n> a', phase: 'streaming', followUps: [], botId: '' };

  it('keeps the workflow; where it waited is where it stopped', () => {
    const state = restoreAnswerViewState({
      ...base,
      workflow: { id: '7400000000000000001', name: 'Greeter', nodes: [{ title: 'Question', start: 0 }], waitingAt: 'Question', debugUrl: 'https://www.coze.cn/work_flow?execute_id=1' },
    });
    assert.equal(state?.phase, 'canceled');
    assert.deepEqual(state?.workflow, {
      id: '7400000000000000001',
      name: 'Greeter',
      nodes: [{ title: 'Question', start: 0 }],
      debugUrl: 'https://www.coze.cn/work_flow?execute_id=1',
      stoppedAt: 'Question',
    });
  });

  it('drops what cannot be right: starts that fall or pass the text, a debug link that is not http(s), a bad id', () => {
    const falling = restoreAnswerViewState({ ...base, workflow: { id: '1', name: 'W', nodes: [{ title: 'B', start: 3 }, { title: 'A', start: 1 }], debugUrl: 'javascript:alert(1)' } });
    assert.deepEqual(falling?.workflow, { id: '1', name: 'W', nodes: [] });
    const past = restoreAnswerViewState({ ...base, workflow: { id: '1', name: 'W', nodes: [{ title: 'A', start: 999 }] } });
    assert.deepEqual(past?.workflow?.nodes, []);
    const badId = restoreAnswerViewState({ ...base, workflow: { id: 'x', name: 'W', nodes: [] } });
    assert.ok(badId && !('workflow' in badId), 'the run is no workflow then, but the panel still shows its text');
  });
});
