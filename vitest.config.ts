import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{backend,shared,jira-app,test}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '.tsbuild/**'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    reporters: ['default'],
  },
});
