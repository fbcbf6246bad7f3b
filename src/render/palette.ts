/** Colour functions; identity when colour is off (decided by the runtime, never at import). */
export interface Palette {
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export function createPalette(color: boolean): Palette {
  if (!color) {
    const plain = (text: string) => text;
    return { green: plain, yellow: plain, red: plain, bold: plain, dim: plain };
  }
  return { green: wrap(32, 39), yellow: wrap(33, 39), red: wrap(31, 39), bold: wrap(1, 22), dim: wrap(2, 22) };
}
