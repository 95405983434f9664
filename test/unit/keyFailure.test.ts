import * as assert from 'node:assert/strict';
import type { FixAction } from '../../src/ask/fixActionList';
import { needsNewKey } from '../../src/ask/keyFailure';
import { needsNewKey as turnNeedsNewKey } from '../../src/chat/turnOutcome';
import { parseAnswerViewMessage, restoreAnswerViewState, type AnswerViewState } from '../../src/protocol';

// A failure only a new key fixes, one rule for the chat and the answer panel (src/ask/keyFailure.ts); the answer
// panel's state keeps its fixes and "no Retry" across a window reload, and the panel's webview can ask only for
// a fix by name (the host then runs it only when the failure shown offers it: src/answerPanel/answerPanel.ts).

describe('a failure only a new key fixes', () => {
  it('is one that offers Set API Key: no key, 4100, 4101, Studio\'s rejected key', () => {
    const cases: Array<[FixAction[], boolean]> = [
      [['setKey'], true], // no key (src/ask/readiness.ts)
      [['setKey', 'switchRegion'], true], // 4100 / 4101 on coze.com or coze.cn
      [['setKey', 'openSettings'], true], // custom address, Studio
      [['retry', 'openLog'], false],
      [['openSettings', 'retry'], false], // 4015: not published
      [[], false],
    ];
    for (const [actions, expected] of cases) assert.equal(needsNewKey(actions), expected, actions.join(','));
    assert.equal(needsNewKey(undefined), false);
  });

  it('is the same rule for a chat turn', () => {
    assert.equal(turnNeedsNewKey({ message: 'm', actions: ['setKey', 'switchRegion'] }), true);
    assert.equal(turnNeedsNewKey({ message: 'm', actions: ['openLog'] }), false);
    assert.equal(turnNeedsNewKey(undefined), false);
  });
});

describe('the answer panel under a rejected key: its state and messages', () => {
  const failed: AnswerViewState = {
    question: 'Who am I?',
    text: '',
    phase: 'failed',
    followUps: [],
    botId: '7445600453913968691',
    canRetry: false,
    error: { message: 'The API key lacks permission (code 4101)', code: 4101, logId: 'L1', actions: [{ action: 'setKey', label: 'Set API Key' }, { action: 'openSettings', label: 'Open Settings' }] },
  };

  it('keeps the fixes and "no Retry" across a window reload', () => {
    assert.deepEqual(restoreAnswerViewState(JSON.parse(JSON.stringify(failed))), failed);
  });

  it('drops fixes that are not fixes (Retry, unknown names, too many) and keeps the failure', () => {
    const bad = (actions: unknown) => restoreAnswerViewState({ ...failed, error: { ...failed.error, actions } })!;
    for (const actions of [[{ action: 'retry', label: 'Retry' }], [{ action: 'rm -rf', label: 'x' }], 'setKey', Array.from({ length: 11 }, () => ({ action: 'setKey', label: 'k' }))]) {
      const restored = bad(actions);
      assert.equal(restored.error?.actions, undefined, JSON.stringify(actions).slice(0, 60));
      assert.equal(restored.error?.code, 4101);
    }
    assert.equal(restoreAnswerViewState({ ...failed, canRetry: 'no' })!.canRetry, undefined, 'a malformed canRetry offers Retry');
  });

  it('takes a fix by name from the webview, and nothing else', () => {
    assert.deepEqual(parseAnswerViewMessage({ type: 'fixAction', action: 'setKey' }), { type: 'fixAction', action: 'setKey' });
    assert.deepEqual(parseAnswerViewMessage({ type: 'fixAction', action: 'switchRegion' }), { type: 'fixAction', action: 'switchRegion' });
    assert.equal(parseAnswerViewMessage({ type: 'fixAction', action: 'retry' }), undefined, 'Retry is its own message');
    assert.equal(parseAnswerViewMessage({ type: 'fixAction', action: 'runCommand' }), undefined);
    assert.equal(parseAnswerViewMessage({ type: 'fixAction' }), undefined);
    assert.equal(parseAnswerViewMessage({ type: 'fixAction', action: 'setKey', label: 'x' }), undefined);
  });
});
