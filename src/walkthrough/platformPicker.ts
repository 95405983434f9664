import * as vscode from 'vscode';
import { readSettings, type Region } from '../settings';
import type { Prompter } from '../workflow/prompter';

// Coze: Choose Platform (the walkthrough's first step, also in the palette): which Coze the extension talks to,
// askCoze.region, as a picker of the four with what each one is. A key is kept per platform, so the next step
// (Set API Key) asks for the key of the platform chosen here. "Another address" needs askCoze.baseUrl: when it
// is empty, the settings open at it. Coze Studio without an address is http://localhost:8888 (src/settings.ts).

export async function choosePlatform(prompter: Prompter): Promise<Region | undefined> {
  const current = readSettings().region;
  const mark = (region: Region, description: string): string =>
    region === current ? `$(check) ${vscode.l10n.t('current')} · ${description}` : description;
  const items: Array<vscode.QuickPickItem & { value: Region }> = [
    { value: 'cn', label: '扣子 coze.cn', description: mark('cn', 'api.coze.cn'), detail: vscode.l10n.t('Coze in mainland China') },
    { value: 'com', label: 'coze.com', description: mark('com', 'api.coze.com'), detail: vscode.l10n.t('Coze outside mainland China') },
    {
      value: 'studio',
      label: 'Coze Studio',
      description: mark('studio', vscode.l10n.t('self-hosted')),
      detail: vscode.l10n.t('Your own Coze Studio, at askCoze.baseUrl (http://localhost:8888 when empty)'),
    },
    {
      value: 'custom',
      label: vscode.l10n.t('Another address'),
      description: mark('custom', 'askCoze.baseUrl'),
      detail: vscode.l10n.t('A Coze API at the address in askCoze.baseUrl'),
    },
  ];
  // The current platform first, so that Enter keeps it.
  items.sort((a, b) => Number(b.value === current) - Number(a.value === current));
  const region = await prompter.pick({
    title: vscode.l10n.t('Choose Platform'),
    placeholder: vscode.l10n.t('Which Coze do your bots live on? A key works only on the platform that issued it.'),
    items,
  });
  if (!region) return undefined;
  const config = vscode.workspace.getConfiguration('askCoze');
  // User level: askCoze.region is an application setting (no workspace may redirect the key).
  if (region !== current || config.inspect('region')?.globalValue === undefined) {
    await config.update('region', region, vscode.ConfigurationTarget.Global);
  }
  if (region === 'custom' && !String(config.inspect('baseUrl')?.globalValue ?? '').trim()) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'askCoze.baseUrl');
  }
  return region;
}
