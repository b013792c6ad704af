import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RouteHandler } from './http-io.js';

/** The browser UI: plain files, no build step. The same path from `src/` and `dist/`. */
const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Serves `public/` for GET: `/` is `index.html`; nothing outside the folder is reachable. */
export function staticFiles(directory = PUBLIC_DIR): RouteHandler {
  return async (request, response, url) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    const type = TYPES[extname(name)];
    const path = normalize(join(directory, name));
    if (type === undefined || !path.startsWith(directory)) return false;
    let content: Buffer;
    try {
      content = await readFile(path);
    } catch {
      return false;
    }
    response.writeHead(200, {
      'content-type': type,
      'content-length': content.length,
      'cache-control': 'no-store',
      // The page talks only to this server; nothing inline or from elsewhere runs.
      'content-security-policy': "default-src 'self'; img-src 'self' data:",
    });
    response.end(request.method === 'HEAD' ? undefined : content);
    return true;
  };
}
