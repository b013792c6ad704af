import { randomBytes } from 'node:crypto';

/** The two keys a run plants: one `sk-`-shaped, one that no pattern can recognise. */
export interface PlantedKeys {
  /** Shaped like an OpenAI project key, assembled at run time (no key literal in files). */
  shaped: string;
  /** A plain 40-letter word: only a provider that knows its own key can mask it. */
  plain: string;
}

function letters(count: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  return [...randomBytes(count)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

export function plantKeys(): PlantedKeys {
  return {
    shaped: ['sk', 'proj', randomBytes(24).toString('base64url')].join('-'),
    plain: letters(40),
  };
}

/** The forms a key could leak in: as written, base64 (as in a Basic header), URL-encoded. */
export function leakForms(key: string): string[] {
  const bytes = Buffer.from(key);
  return [
    key,
    bytes.toString('base64'),
    bytes.toString('base64url'),
    encodeURIComponent(key),
    // A prefix long enough to identify the key, as a truncated message would show it.
    key.slice(0, 24),
  ];
}

/** Where each planted key shows in the outputs: `label: form`, empty when none leaked. */
export function findLeaks(outputs: ReadonlyMap<string, string>, keys: readonly string[]): string[] {
  const leaks = new Set<string>();
  for (const [label, text] of outputs) {
    for (const key of keys) {
      for (const form of leakForms(key)) {
        if (text.includes(form)) leaks.add(`${label}: ${form === key ? 'key' : 'encoded key'}`);
      }
    }
  }
  return [...leaks];
}
