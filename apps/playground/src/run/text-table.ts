export interface TableColumn {
  header: string;
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right';
}

/** A plain-text table with a header rule, columns padded to their widest cell. */
export function formatTable(columns: readonly TableColumn[], rows: readonly string[][]): string {
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, index) => {
        const cell = cells[index] ?? '';
        const width = widths[index] ?? 0;
        return column.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(columns.map((column) => column.header)), rule, ...rows.map(line)].join('\n');
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
