// The lazy-import table: a command's module (and its dependencies, such as
// got) is loaded only when that command runs.
import type { CommandResult, Runtime } from '../runtime/runtime.js';
import type { CommandName, CommandOptionsMap, Dispatch } from './program.js';

type Runner<N extends CommandName> = (options: CommandOptionsMap[N], runtime: Runtime) => Promise<CommandResult>;

const loaders: { [N in CommandName]: () => Promise<Runner<N>> } = {
  validate: async () => (await import('../commands/validate.js')).runValidate,
  plan: async () => (await import('../commands/plan.js')).runPlan,
  apply: async () => (await import('../commands/apply.js')).runApply,
  show: async () => (await import('../commands/show.js')).runShow,
  drift: async () => (await import('../commands/drift.js')).runDrift,
  import: async () => (await import('../commands/import.js')).runImport,
  fixtures: async () => (await import('../commands/fixtures.js')).runFixtures,
  serve: async () => (await import('../commands/serve.js')).runServe,
  probe: async () => (await import('../commands/probe.js')).runProbe,
  emulator: async () => (await import('../commands/emulator.js')).runEmulator,
};

/** Commands that change something (HubSpot, fixture files): cut short, they would leave half of it done. */
export const COMMANDS_THAT_WRITE: ReadonlySet<CommandName> = new Set(['apply', 'fixtures']);

export function createDispatch(runtime: Runtime, onStart: (name: CommandName) => void = () => {}): Dispatch {
  return async <N extends CommandName>(name: N, options: CommandOptionsMap[N]) => {
    onStart(name);
    const load: () => Promise<Runner<N>> = loaders[name];
    return (await load())(options, runtime);
  };
}
