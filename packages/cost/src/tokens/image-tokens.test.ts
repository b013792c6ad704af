import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { imageSizeFromDataUrl, imageTokens } from './image-tokens.js';

describe('imageTokens: tile models', () => {
  it.each([
    [1024, 1024, 'high', 765], // 768x768: 4 tiles
    [2048, 4096, 'high', 1105], // 1024x2048, then 768x1536: 6 tiles
    [512, 512, 'high', 255], // 1 tile, no upscaling
    [513, 500, 'high', 425], // 2 tiles
    [4000, 3000, 'auto', 765], // 2048x1536, then 1024x768: 4 tiles
    [4000, 3000, 'low', 85],
  ] as const)('gpt-4o %ix%i %s is %i tokens', (width, height, detail, tokens) => {
    expect(imageTokens({ model: 'gpt-4o', width, height, detail })).toBe(tokens);
    expect(imageTokens({ model: 'gpt-4.1', width, height, detail })).toBe(tokens);
  });

  it('treats unknown models and a missing detail as gpt-4o in high detail', () => {
    expect(imageTokens({ width: 1024, height: 1024 })).toBe(765);
    expect(imageTokens({ model: 'gpt-4-turbo', width: 1024, height: 1024 })).toBe(765);
  });

  it('bills gpt-4o-mini images at its own base and tile', () => {
    expect(imageTokens({ model: 'gpt-4o-mini', width: 1024, height: 1024, detail: 'low' })).toBe(
      2833,
    );
    expect(imageTokens({ model: 'gpt-4o-mini', width: 512, height: 512 })).toBe(2833 + 5667);
  });
});

describe('imageTokens: patch models', () => {
  it('counts 32-px patches times the model multiplier', () => {
    // 1024x1024 is 32 x 32 = 1024 patches.
    expect(imageTokens({ model: 'gpt-4.1-mini', width: 1024, height: 1024 })).toBe(
      Math.ceil(1024 * 1.62),
    );
    expect(imageTokens({ model: 'gpt-4.1-nano', width: 1024, height: 1024 })).toBe(
      Math.ceil(1024 * 2.46),
    );
    expect(imageTokens({ model: 'o4-mini', width: 1024, height: 1024, detail: 'low' })).toBe(
      Math.ceil(1024 * 1.72),
    );
    expect(imageTokens({ model: 'gpt-5-mini', width: 100, height: 100 })).toBe(
      Math.ceil(16 * 1.62),
    );
  });

  it('scales images over 1536 patches down to fit, as OpenAI documents (1800x2400: 1452)', () => {
    expect(imageTokens({ model: 'gpt-4.1-mini', width: 1800, height: 2400 })).toBe(
      Math.ceil(1452 * 1.62),
    );
    const huge = imageTokens({ model: 'gpt-4.1-nano', width: 10_000, height: 10_000 });
    expect(huge).toBeLessThanOrEqual(Math.ceil(1536 * 2.46));
  });
});

describe('imageSizeFromDataUrl', () => {
  const dataUrl = (mime: string, bytes: Buffer) =>
    `data:${mime};base64,${bytes.toString('base64')}${'A'.repeat(100)}`;

  it('reads PNG, GIF, JPEG and WebP headers', () => {
    const png = Buffer.alloc(33);
    png.writeUInt32BE(0x89504e47, 0);
    png.writeUInt32BE(640, 16);
    png.writeUInt32BE(480, 20);
    expect(imageSizeFromDataUrl(dataUrl('image/png', png))).toEqual({ width: 640, height: 480 });

    const gif = Buffer.alloc(13);
    gif.write('GIF89a', 0, 'latin1');
    gif.writeUInt16LE(320, 6);
    gif.writeUInt16LE(200, 8);
    expect(imageSizeFromDataUrl(dataUrl('image/gif', gif))).toEqual({ width: 320, height: 200 });

    // SOI, an APP0 segment of 16 bytes, then SOF0 with height 300 and width 400.
    const jpeg = Buffer.from([
      0xff,
      0xd8,
      0xff,
      0xe0,
      0x00,
      0x10,
      ...Buffer.alloc(14),
      0xff,
      0xc0,
      0x00,
      0x11,
      0x08,
      0x01,
      0x2c,
      0x01,
      0x90,
      0x03,
      ...Buffer.alloc(12),
    ]);
    expect(imageSizeFromDataUrl(dataUrl('image/jpeg', jpeg))).toEqual({ width: 400, height: 300 });

    const webp = Buffer.alloc(30);
    webp.write('RIFF', 0, 'latin1');
    webp.write('WEBPVP8X', 8, 'latin1');
    webp.writeUIntLE(1919, 24, 3);
    webp.writeUIntLE(1079, 27, 3);
    expect(imageSizeFromDataUrl(dataUrl('image/webp', webp))).toEqual({
      width: 1920,
      height: 1080,
    });
  });

  it('gives up on other URLs and unknown or truncated data', () => {
    expect(imageSizeFromDataUrl('https://example.com/a.png')).toBeUndefined();
    expect(imageSizeFromDataUrl('data:image/png,rawdata')).toBeUndefined();
    expect(imageSizeFromDataUrl('data:image/png;base64,AAAA')).toBeUndefined();
    expect(imageSizeFromDataUrl(dataUrl('image/bmp', Buffer.from('BM123456789012345678')))).toBe(
      undefined,
    );
  });
});
