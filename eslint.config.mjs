// ESLint flat config: typescript-eslint's strict type-checked rules on the TypeScript sources, the
// recommended JavaScript rules on the plain .js/.cjs/.mjs files, and eslint-config-prettier last so
// that no rule argues with the formatter. Formatting itself is Prettier's job (prettier.config.cjs).
import { fileURLToPath } from 'node:url';

import { includeIgnoreFile } from '@eslint/compat';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Build output and local data are git-ignored already; .gitignore stays the one list of them.
  includeIgnoreFile(fileURLToPath(new URL('.gitignore', import.meta.url))),
  // Committed, but written by `npm run bench`.
  globalIgnores(['bench/results/']),

  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A number prints as itself; the rule is there for objects, undefined and the like.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `const { d: _private, ...publicJwk } = jwk` is how the code leaves a key out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // `() => resolve()` as a callback is ordinary Node style; a void value used inside a larger
      // expression is still reported.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
    },
  },

  // Storage adapters report what happened in domain terms (lib/domain's store interfaces); what a
  // client is told is the domain's and the HTTP layer's to decide. So nothing under lib/store reads
  // the client-facing error catalogue (lib/errors.ts) or anything of lib/http. Import paths are
  // relative, so each depth below lib/store has its own `../` count.
  ...[1, 2, 3].map((depth) => {
    const up = String.raw`(\.\./){${depth}}`;
    return {
      files: [`lib/store/${'*/'.repeat(depth - 1)}*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                regex: String.raw`^${up}(errors|http)(\.[cm]?[jt]s)?$|^${up}http/`,
                message: 'A storage adapter returns outcomes; lib/domain maps them to client errors (lib/errors.ts, lib/http).',
              },
            ],
          },
        ],
      },
    };
  }),

  // Tests handle JSON answers and CloudFormation templates of no declared type, and state their
  // shape with expect(): a wrong guess fails the test on the spot, so typing every parsed body would
  // add casts that protect nothing. Likewise a `!` on what the test has just looked up fails loudly.
  {
    files: ['tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  // The package is CommonJS: .js and .cjs files are plain Node scripts (config files, the settings
  // table read by the Serverless CLI, the benchmark's function runner). No type information for them.
  {
    files: ['**/*.{js,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
  {
    files: ['**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },

  prettier,
);
