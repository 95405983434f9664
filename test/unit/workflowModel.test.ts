import * as assert from 'node:assert/strict';
import {
  checkParameters,
  MAX_PARAMETERS_CHARS,
  parseRunWorkflowArgs,
  parseWorkflows,
  prefillParameters,
  readRemembered,
  remember,
  rememberedFor,
  workflowIdOf,
} from '../../src/workflow/workflowModel';

// Coze: Run Workflow's checks before anything is sent: the askCoze.workflows setting, the command's argument,
// the parameters as typed, and how the editor's selection and the parameters remembered fill the box.

describe('settings: askCoze.workflows (parseWorkflows)', () => {
  it('takes name + id entries with an optional bot or app, tidying the spaces', () => {
    const problems: string[] = [];
    const workflows = parseWorkflows(
      [
        { name: '  Sum\n marize ', id: ' 7400000000000000001 ' },
        { name: 'With bot', id: '12', botId: ' 34 ', extra: true },
        { name: 'Of an app', id: '56', appId: '78' },
      ],
      problems,
    );
    assert.deepEqual(workflows, [
      { id: '7400000000000000001', name: 'Sum marize' },
      { id: '12', name: 'With bot', botId: '34' },
      { id: '56', name: 'Of an app', appId: '78' },
    ]);
    assert.deepEqual(problems, []);
  });

  it('skips and reports malformed entries, drops a malformed optional id, skips repeated ids silently', () => {
    const problems: string[] = [];
    const workflows = parseWorkflows([null, { name: 'No id' }, { name: 'Slug', id: 'my-flow' }, { name: 'A', id: '1', botId: 'x' }, { name: 'Again', id: '1' }], problems);
    assert.deepEqual(workflows, [{ id: '1', name: 'A' }], 'a bad botId is left out, the entry kept');
    assert.equal(problems.length, 3);
    assert.match(problems[2]!, /^askCoze\.workflows: skipped \{"name":"Slug","id":"my-flow"\} \(needs a "name" and a numeric "id" string\)$/);
  });

  it('cuts the list at 50; a setting that is not a list is reported; none is none', () => {
    assert.equal(parseWorkflows(Array.from({ length: 60 }, (_, i) => ({ name: `W${i}`, id: String(i + 1) }))).length, 50);
    const problems: string[] = [];
    assert.deepEqual(parseWorkflows(undefined, problems), []);
    assert.deepEqual(problems, []);
    assert.deepEqual(parseWorkflows({ name: 'x', id: '1' }, problems), []);
    assert.equal(problems.length, 1);
  });
});

describe('Run Workflow: a pasted id and the command argument', () => {
  it('takes digits, trimmed, and nothing else', () => {
    assert.equal(workflowIdOf(' 7400000000000000001\n'), '7400000000000000001');
    for (const bad of ['', 'abc', '12a', '１２', '1'.repeat(33), 'https://www.coze.cn/work_flow?workflow_id=1']) assert.equal(workflowIdOf(bad), undefined, bad);
  });

  it('reads { workflowId } and ignores anything else (a Uri, a string, a bad id)', () => {
    assert.deepEqual(parseRunWorkflowArgs({ workflowId: '42' }), { workflowId: '42' });
    assert.deepEqual(parseRunWorkflowArgs({ workflowId: 'x' }), {});
    assert.deepEqual(parseRunWorkflowArgs('42'), {});
    assert.deepEqual(parseRunWorkflowArgs(undefined), {});
  });
});

describe('Run Workflow: parameters (checkParameters)', () => {
  it('takes a JSON object; nothing typed is no parameters', () => {
    assert.deepEqual(checkParameters('{"input": "hi", "n": 2}'), { ok: true, parameters: { input: 'hi', n: 2 } });
    assert.deepEqual(checkParameters('  '), { ok: true, parameters: {} });
  });

  it('says why anything else cannot be sent', () => {
    for (const notObject of ['[1, 2]', '"text"', '42', 'null', 'true']) assert.deepEqual(checkParameters(notObject), { ok: false, problem: 'not-object' }, notObject);
    const broken = checkParameters('{"input": ');
    assert.equal(broken.ok, false);
    assert.equal(!broken.ok && broken.problem, 'json');
    assert.ok(!broken.ok && broken.problem === 'json' && broken.detail.length > 0, 'the parser says where');
    assert.deepEqual(checkParameters(`{"input": "${'x'.repeat(MAX_PARAMETERS_CHARS)}"}`), { ok: false, problem: 'too-long' });
  });
});

describe('Run Workflow: what the parameters box starts with (prefillParameters)', () => {
  it('offers the parameters sent last time, else {"input": ""} with the cursor between the quotes', () => {
    assert.deepEqual(prefillParameters('{"topic": "x"}', undefined), { value: '{"topic": "x"}' });
    const fresh = prefillParameters(undefined, undefined);
    assert.equal(fresh.value, '{"input": ""}');
    assert.deepEqual(fresh.selection, [11, 11]);
    assert.equal(fresh.value.slice(0, fresh.selection![0]), '{"input": "');
    assert.equal(prefillParameters('not json', '').value, '{"input": ""}', 'a remembered text that is no object is not offered');
  });

  it('puts the selection into "input" when there is one or nothing is remembered, keeping the rest', () => {
    assert.deepEqual(JSON.parse(prefillParameters(undefined, 'const a = "b";\n').value), { input: 'const a = "b";\n' });
    assert.deepEqual(JSON.parse(prefillParameters('{"input": "old", "lang": "ts", "n": 1}', 'new').value), { input: 'new', lang: 'ts', n: 1 });
  });

  it('fills the only string parameter whatever its name; with several others, adds "input"', () => {
    assert.deepEqual(JSON.parse(prefillParameters('{"code": "old", "n": 3}', 'sel').value), { code: 'sel', n: 3 });
    assert.deepEqual(JSON.parse(prefillParameters('{"a": "1", "b": "2"}', 'sel').value), { a: '1', b: '2', input: 'sel' });
    assert.deepEqual(JSON.parse(prefillParameters('[1]', 'sel').value), { input: 'sel' });
  });
});

describe('Run Workflow: remembered parameters', () => {
  it('keeps the latest text per workflow, most recent last, at most 50 workflows, no long texts', () => {
    let kept = remember([], '1', '{"a": 1}');
    kept = remember(kept, '2', '{}');
    kept = remember(kept, '1', '{"a": 2}');
    assert.deepEqual(kept, [{ id: '2', text: '{}' }, { id: '1', text: '{"a": 2}' }]);
    assert.equal(rememberedFor(kept, '1'), '{"a": 2}');
    assert.equal(rememberedFor(kept, '3'), undefined);
    assert.deepEqual(remember(kept, '1', 'x'.repeat(20_001)), [{ id: '2', text: '{}' }], 'a long text is not kept, and forgets the older one');
    for (let i = 0; i < 60; i++) kept = remember(kept, String(100 + i), '{}');
    assert.equal(kept.length, 50);
    assert.equal(kept.at(-1)!.id, '159');
    assert.ok(!kept.some((e) => e.id === '2'));
  });

  it('reads back only well-formed entries', () => {
    assert.deepEqual(readRemembered([{ id: '1', text: '{}' }, { id: 'x', text: '{}' }, { id: '2', text: 3 }, null, 'a']), [{ id: '1', text: '{}' }]);
    assert.deepEqual(readRemembered({ 1: '{}' }), []);
    assert.deepEqual(readRemembered(undefined), []);
  });
});
