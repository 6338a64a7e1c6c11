// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Layering (docs: ../shared/design/architecture.md): dependencies point inward, http → provisioning → {scim, store, asana}. */
const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map((group) => ({ group: [group], message })) },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.tap/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The admin page's script runs in a browser, with no build step.
    files: ['static/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { document: 'readonly', fetch: 'readonly', sessionStorage: 'readonly' },
    },
  },
  layer(['src/scim/**'], ['../*', 'fastify', 'undici', 'better-sqlite3', 'pino', 'node:*'], 'src/scim is the pure protocol core: it imports only zod and itself.'),
  layer(['src/asana/**'], ['../store/*', '../scim/*', '../provisioning/*', '../http/*'], 'src/asana never imports the store, scim or provisioning.'),
  layer(['src/store/**'], ['../asana/*', '../provisioning/*', '../http/*'], 'src/store never imports asana, provisioning or http.'),
  layer(['src/provisioning/**'], ['../http/*', 'fastify'], 'provisioning knows nothing of HTTP.'),
  layer(['src/http/**'], ['../asana/*', '../store/*', '../../asana/*', '../../store/*'], 'http reaches Asana and the store only through provisioning.'),
  layer(['src/asana-simulator/**'], ['../*'], 'The simulator stands alone: it imports nothing of the bridge.'),
);
