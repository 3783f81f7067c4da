// What a benchmark section hands to the report: tables, targets with verdicts, notes and chart panels.

export interface Table {
  title: string;
  headers: string[];
  rows: string[][];
}

export interface Target {
  name: string;
  target: string;
  measured: string;
  /** Undefined when it could not be judged (skipped, no /proc, ...). */
  pass: boolean | undefined;
}

export interface Bar {
  label: string;
  value: number;
  /** Drawn at the end of the bar; defaults to the value. */
  text?: string;
  /** A second, lighter bar under the first (the floor under a handler, say). */
  under?: number;
}

export interface Panel {
  title: string;
  unit: string;
  bars: Bar[];
  /** A vertical line: the target; bars on its wrong side are drawn in the miss colour. */
  target?: { value: number; label: string; higherIsBetter?: boolean };
  legend?: [string, string];
}

export interface SectionResult {
  title: string;
  tables: Table[];
  targets: Target[];
  notes: string[];
  panels: Panel[];
}

export const fmt = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
export const kib = (bytes: number): string => (bytes / 1024).toFixed(0);
export const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
