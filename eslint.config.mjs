// ESLint holds the rules the architecture relies on (docs/architecture.md#rules-the-build-enforces), so that
// they fail the build instead of living in reviewers' memory. `npm run lint`, run by `npm test` before the unit
// tests; zero warnings allowed.
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const NO_VSCODE = {
  name: 'vscode',
  message: 'This code runs outside VS Code (plain Node or a webview): pass what it needs in instead.',
};

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', 'node_modules/**', '.test-work/**', 'test-results/**', 'bench/results/**', '**/*.vsix'],
  },
  {
    files: ['**/*.ts', '**/*.mjs'],
    extends: [tseslint.configs.recommended],
    plugins: { 'import-x': importX },
    settings: {
      // no-cycle follows imports into .ts files: it needs to resolve them and to parse them as TypeScript.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.json'] })],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js', '.mjs'],
    },
    rules: {
      // A type import is erased from the bundle: writing it as one keeps the lazy-load boundary honest.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      // Cycles make module start-up order matter and hide a missing layer.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // The lazy-load boundary: the client (with undici) loads on the first question through src/cozeLoader.ts;
    // everything else may import only its types, or activation would pay ~90 ms for undici.
    files: ['src/**/*.ts'],
    ignores: ['src/coze/**', 'src/cozeLoader.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)coze(/[^/]+)?$',
              allowTypeImports: true,
              message: 'Only types from the Coze client here; values come through loadCoze() (src/cozeLoader.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    // The client runs and is tested in plain Node; so are the parsers and the chat's state machine.
    files: [
      'src/coze/**/*.ts',
      'src/protocol.ts',
      'src/ids.ts',
      'src/hosts.ts',
      'src/endpoint.ts',
      'src/systemCa.ts',
      'src/commandArgs.ts',
      'src/ask/fixActionList.ts',
      'src/ask/questionChecks.ts',
      'src/ask/progressText.ts',
      'src/chat/chatModel.ts',
      'src/chat/chatStore.ts',
      'src/chat/conversationRuns.ts',
      'src/chat/turnOutcome.ts',
      'src/chat/selectionQuote.ts',
      'src/participant/sessionMetadata.ts',
      'src/participant/promptReferences.ts',
      'src/participant/appendOnlyAnswer.ts',
      'src/participant/botChoice.ts',
      'src/bots/botNaming.ts',
      'src/chat/attachments.ts',
      'src/chat/searchText.ts',
      'src/chat/historyMerge.ts',
      'src/chat/historyLock.ts',
      'src/chat/historySearch.ts',
      'src/chat/markdownExport.ts',
      'src/uploadLimits.ts',
      'src/workflow/workflowModel.ts',
      'src/workflow/workflowOutput.ts',
      'src/apply/codeEdit.ts',
      'src/apply/quotedCode.ts',
      'src/apply/applyArgs.ts',
      'src/codeActions/diagnosticQuestion.ts',
      'src/codeActions/diagnosticArgs.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_VSCODE] }] },
  },
  {
    // Webview code runs in a browser frame: no VS Code API, no Node.
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_VSCODE],
          patterns: [{ regex: '^node:', message: 'Webview code runs in a browser: no Node modules.' }],
        },
      ],
    },
  },
  {
    // Tests and tools may use what they need; their only rule beyond the defaults is no cycles.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
