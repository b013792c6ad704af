/** Colours for a terminal; every function is the identity when colour is off. */
export interface TerminalStyle {
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const plain = (text: string) => text;
const sgr = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

export function terminalStyle(color: boolean): TerminalStyle {
  if (!color) return { dim: plain, red: plain, yellow: plain, cyan: plain };
  return { dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) };
}

/**
 * Colour only for a terminal, and never when `NO_COLOR` is set to anything
 * (https://no-color.org): piped output stays free of escape codes.
 */
export function wantsColor(output: { isTTY?: boolean }, env: Record<string, string | undefined>) {
  return output.isTTY === true && !env.NO_COLOR;
}
