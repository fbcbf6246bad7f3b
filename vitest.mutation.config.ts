import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// Stryker's test set: unit and integration tests only. The e2e tests spawn
// the built CLI, which runs dist/, not the mutated sources, so they could
// neither kill nor cover a mutant and would only slow every run.
// Also left out: tests that spawn processes or load a server with thousands
// of connections. They guard process and load behaviour, not the mutated
// modules' rules (unit tests state those), and each costs seconds per mutant.
// (mergeConfig concatenates arrays, so e2e is excluded rather than re-included.)
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        ...configDefaults.exclude,
        'test/e2e/**',
        'test/integration/webhook/serve-hardening.test.ts',
        'test/integration/emulator/run-emulator.test.ts',
        'test/integration/emulator/state-file.test.ts',
        'test/integration/emulator/sdk-conformance.test.ts',
      ],
    },
  }),
);
