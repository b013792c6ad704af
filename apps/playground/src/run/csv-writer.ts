/** Quoting is needed for the separators and for edge spaces, which some readers trim. */
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One RFC 4180 field: quoted (quotes doubled) only when it has to be. */
export function formatCsvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * One RFC 4180 record, CRLF-terminated. A record of one empty field is written `""`, so a
 * reader that skips empty lines (as `parseCsv` does) still sees it.
 */
export function formatCsvRecord(fields: readonly string[]): string {
  if (fields.length === 1 && fields[0] === '') return '""\r\n';
  return `${fields.map(formatCsvField).join(',')}\r\n`;
}
