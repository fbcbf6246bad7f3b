import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// Stryker's test set: unit and integration tests only. The e2e tests spawn
// the built CLI, which runs dist/, not the mutated sources, so they could
// neither kill nor cover a mutant and would only slow every run.
// (mergeConfig concatenates arrays, so e2e is excluded rather than re-included.)
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [...configDefaults.exclude, 'test/e2e/**'],
    },
  }),
);
