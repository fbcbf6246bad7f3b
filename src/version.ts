import { VERSION } from './generated/version.js';

/** The package version, generated from package.json at build time. */
export function packageVersion(): string {
  return VERSION;
}
