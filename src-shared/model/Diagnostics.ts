export type FactStatus = 'ok' | 'warning' | 'error';

/** One `key=value` line of `kws-studio doctor`, with advice when it is not ok. */
export interface DiagnosticFact {
  key: string;
  value: string;
  status: FactStatus;
  advice?: string;
}

export interface Diagnostics {
  facts: DiagnosticFact[];
}
