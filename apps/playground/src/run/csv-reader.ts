import { InvalidRequestError } from '@ply/core';

/** One record of a CSV text, with the line it starts on (1-based) for messages. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/** Text that is not RFC 4180 CSV; `line` is where the problem is. */
export class CsvSyntaxError extends InvalidRequestError {
  readonly line: number;

  constructor(line: number, problem: string) {
    super(`line ${line}: ${problem}`, { field: `line ${line}` });
    this.line = line;
  }
}

/**
 * Parses RFC 4180 CSV: comma-separated, fields optionally in double quotes, a quote inside
 * a quoted field doubled, records ended by CRLF, LF or CR, line breaks allowed inside quoted
 * fields, a leading UTF-8 BOM ignored. Strict where lenient readers guess: a stray quote in
 * an unquoted field, or text after a closing quote, is an error naming the line, since
 * guessing would silently shift a row's columns. Empty lines are skipped.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const end = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;

  while (pos < end) {
    const recordLine = line;
    const fields: string[] = [];
    // A record that is one empty unquoted field is an empty line, not data.
    let blank = true;
    for (;;) {
      let value: string;
      if (text[pos] === '"') {
        blank = false;
        const openedOn = line;
        value = '';
        pos++;
        for (;;) {
          const quote = text.indexOf('"', pos);
          if (quote === -1) {
            throw new CsvSyntaxError(openedOn, 'a quoted field is never closed');
          }
          const chunk = text.slice(pos, quote);
          line += lineBreaks(chunk);
          value += chunk;
          if (text[quote + 1] === '"') {
            value += '"';
            pos = quote + 2;
          } else {
            pos = quote + 1;
            break;
          }
        }
        const next = text[pos];
        if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
          throw new CsvSyntaxError(
            line,
            'text after the closing quote of a field (a quote inside a quoted field is written "")',
          );
        }
      } else {
        let stop = pos;
        while (stop < end) {
          const char = text[stop];
          if (char === ',' || char === '\r' || char === '\n') break;
          if (char === '"') {
            throw new CsvSyntaxError(
              line,
              'a quote inside an unquoted field (quote the whole field and write the quote as "")',
            );
          }
          stop++;
        }
        value = text.slice(pos, stop);
        if (value !== '') blank = false;
        pos = stop;
      }
      fields.push(value);
      if (text[pos] === ',') {
        blank = false;
        pos++;
        continue;
      }
      if (text[pos] === '\r') pos += text[pos + 1] === '\n' ? 2 : 1;
      else if (text[pos] === '\n') pos++;
      line++;
      break;
    }
    if (!blank) records.push({ fields, line: recordLine });
  }
  return records;
}

function lineBreaks(text: string): number {
  // CRLF is one break; a lone CR or LF is one each.
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}
