import type { Random } from '@ply/core';

const WORDS = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut ' +
  'labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris ' +
  'nisi aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate velit esse ' +
  'cillum fugiat nulla pariatur excepteur sint occaecat cupidatat non proident sunt culpa qui ' +
  'officia deserunt mollit anim id est laborum'
).split(' ');

/** `count` words drawn from `random`: the same seed writes the same text. */
export function loremWords(count: number, random: Random): string {
  const words: string[] = [];
  for (let index = 0; index < count; index++) {
    const word = WORDS[Math.floor(random.next() * WORDS.length)] as string;
    words.push(index === 0 ? word[0]?.toUpperCase() + word.slice(1) : word);
  }
  return `${words.join(' ')}.`;
}
