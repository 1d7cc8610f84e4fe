// Process boundaries are enforced here (see docs in README "Architecture"):
// only src/main/electron and src/preload import electron; the renderer imports neither Node nor Electron;
// raw ipcMain/ipcRenderer only inside the two wrappers.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const globals = require('globals');
const { builtinModules } = require('node:module');

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const electronOutsideShell = { name: 'electron', message: 'Only src/main/electron/** and src/preload/** may import electron.' };
const rawIpc = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Use the IPC wrappers (src/main/electron/ipc-main.ts, src/preload/index.ts), never raw ipcMain/ipcRenderer.',
};

module.exports = tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.tmp/**', '.artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      'no-restricted-imports': ['error', { paths: [electronOutsideShell] }],
    },
  },
  {
    // Tests read Dojo's JSON loosely on purpose: the assertions are the checks.
    files: ['tests/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/main/electron/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [rawIpc] }] },
  },
  {
    // The sandboxed preload is one small CommonJS file: electron's renderer modules and the channel names
    // (channels.ts, and till-api.ts which binds them to methods). No zod, no npm package, no other code.
    files: ['src/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [rawIpc],
          patterns: [{ regex: '^(?!(electron|\\.\\./shared/channels|\\.\\./shared/till-api)$)', message: 'The preload imports only electron and the channel names (src/shared/channels.ts, src/shared/till-api.ts).' }],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**', 'src/web-harness/browser/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to main only through bridge.ts (window.till).' }, ...nodeBuiltins.map((name) => ({ name, message: 'The renderer runs sandboxed: no Node built-ins.' }))],
          patterns: [{ group: ['**/main/**', '**/simulator/**', '**/preload/**'], message: 'The renderer may import only src/shared and its own files.' }],
        },
      ],
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOutsideShell, ...nodeBuiltins.map((name) => ({ name, message: 'src/shared is used by every process: zod only.' }))],
          patterns: [{ group: ['**/main/**', '**/renderer/**', '**/simulator/**', '**/preload/**'], message: 'src/shared imports nothing but zod and itself.' }],
        },
      ],
    },
  },
  {
    // till-api.ts is bundled into the preload: channel names only (types from the contract are erased).
    files: ['src/shared/till-api.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\./channels$)', allowTypeImports: true, message: 'till-api.ts goes into the preload: it may import only ./channels (and types).' }] }],
    },
  },
);
