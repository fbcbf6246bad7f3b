import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempDir {
  path: string;
  /** Absolute path of a file inside the directory. */
  file(name: string): string;
  remove(): void;
}

/** Writes an inline file tree to a fresh temp directory (no fs mocking). */
export function tempDir(files: Record<string, string> = {}): TempDir {
  const path = mkdtempSync(join(tmpdir(), 'hscc-test-'));
  for (const [name, content] of Object.entries(files)) {
    const target = join(path, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return {
    path,
    file: (name) => join(path, name),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
