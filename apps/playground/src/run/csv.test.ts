import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv } from './csv-reader.js';
import { formatCsvField, formatCsvRecord } from './csv-writer.js';

const fieldsOf = (text: string) => parseCsv(text).map((record) => record.fields);

describe('parseCsv', () => {
  it('reads quoted fields with doubled quotes, commas and line breaks inside', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\nplain,,"last\nLF"\r\n';
    expect(fieldsOf(text)).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\r\nlines'],
      ['plain', '', 'last\nLF'],
    ]);
  });

  it('ignores a BOM, accepts LF, CRLF and CR endings and a missing final newline', () => {
    expect(fieldsOf('\uFEFFa,b\nc,d\r\ne,f\rg,h')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
      ['g', 'h'],
    ]);
  });

  it('skips empty lines but keeps a quoted empty field and an all-empty row', () => {
    expect(fieldsOf('a\n\n""\n,\n\n')).toEqual([['a'], [''], ['', '']]);
  });

  it('numbers records by the line they start on, counting breaks inside quotes', () => {
    const records = parseCsv('h\n"one\ntwo"\n\nthree\n');
    expect(records.map((record) => record.line)).toEqual([1, 2, 5]);
  });

  it('refuses an unclosed quote, naming the line it opened on', () => {
    const error = (() => {
      try {
        parseCsv('a,b\n1,"never\nclosed\n');
      } catch (caught) {
        return caught;
      }
    })();
    expect(CsvSyntaxError.isInstance(error)).toBe(true);
    expect((error as CsvSyntaxError).line).toBe(2);
    expect((error as CsvSyntaxError).code).toBe('invalid_request');
    expect(String((error as Error).message)).toMatch(/^line 2: a quoted field is never closed/);
  });

  it('refuses a stray quote and text after a closing quote rather than guess', () => {
    expect(() => parseCsv('a,b\nsay "hi",2\n')).toThrow(/line 2: a quote inside an unquoted/);
    expect(() => parseCsv('a\n"x"y\n')).toThrow(/line 2: text after the closing quote/);
  });
});

describe('formatCsvRecord', () => {
  it('quotes only what needs it, and ends records with CRLF', () => {
    expect(formatCsvRecord(['plain', 'a,b', 'say "hi"', 'x\ny', ' pad', ''])).toBe(
      'plain,"a,b","say ""hi""","x\ny"," pad",\r\n',
    );
    expect(formatCsvField('é ü 日本')).toBe('é ü 日本');
  });

  it('round-trips awkward values through parseCsv', () => {
    const rows = [
      ['row', 'text', 'empty', 'unicode'],
      ['1', 'line\r\nbreak and "quotes", commas', '', '🙂 naïve'],
      ['2', '"', ',', '\n'],
      ['3', '""', ' leading', 'trailing '],
    ];
    const text = rows.map(formatCsvRecord).join('');
    expect(fieldsOf(text)).toEqual(rows);
    expect(fieldsOf(`\uFEFF${text}`)).toEqual(rows);
  });

  it('writes a lone empty field so that it is not read back as an empty line', () => {
    const text = [['only'], [''], ['x']].map(formatCsvRecord).join('');
    expect(fieldsOf(text)).toEqual([['only'], [''], ['x']]);
  });
});
