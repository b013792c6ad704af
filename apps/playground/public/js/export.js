// Export: the current request as a TypeScript program using ply. The server writes it;
// the key is read from the environment there, never written into the code.
import { sendJson } from './api.js';
import { byId } from './dom.js';

export function createExport({ currentBody }) {
  const out = byId('export-code');
  const note = byId('export-note');
  const copy = byId('export-copy');

  byId('export').addEventListener('click', async () => {
    const body = currentBody();
    if (body === undefined) {
      note.textContent = 'Type a prompt (or send one) first.';
      return;
    }
    try {
      const { code, filename } = await sendJson('POST', '/api/export', body);
      out.textContent = code;
      note.textContent = `${filename} · set OPENAI_API_KEY, then run it with Node 24 or tsx`;
      copy.disabled = false;
    } catch (error) {
      out.textContent = '';
      note.textContent = `${error.code}: ${error.message}`;
      copy.disabled = true;
    }
  });

  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(out.textContent);
      note.textContent = 'Copied.';
    } catch {
      note.textContent = 'The browser refused the clipboard: select the code and copy it.';
    }
  });
}
