import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', '.tsbuild/**'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['{backend,shared,test,cli}/**/*.test.ts', 'scripts/*.test.ts'],
        },
      },
      {
        // UI Kit needs a stand-in Jira host before @forge/bridge loads.
        extends: true,
        test: {
          name: 'jira-app',
          include: ['jira-app/**/*.test.ts'],
          setupFiles: ['jira-app/src/testing/bridge-setup.ts'],
        },
      },
    ],
  },
});
