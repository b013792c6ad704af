import { InvalidRequestError } from '@ply/core';

/** Where in the input a problem is: a data row (1-based) and/or a column of the experiments file. */
export interface InputLocation {
  row?: number;
  column?: string;
}

/**
 * A problem with the prompt or experiments file, found before anything is called. The
 * message starts with the location (`row 3, column "temperature": ...`) so it reads well on
 * its own in a report; `row` and `column` are there for programs.
 */
export class ExperimentInputError extends InvalidRequestError {
  readonly row: number | undefined;
  readonly column: string | undefined;

  constructor(location: InputLocation, problem: string) {
    const where = [
      location.row === undefined ? undefined : `row ${location.row}`,
      location.column === undefined ? undefined : `column "${location.column}"`,
    ].filter((part) => part !== undefined);
    super(where.length === 0 ? problem : `${where.join(', ')}: ${problem}`, {
      ...(location.column === undefined ? {} : { field: location.column }),
    });
    this.row = location.row;
    this.column = location.column;
  }
}
