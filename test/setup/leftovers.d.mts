/** Types of leftovers.mjs (plain JavaScript, so that jest's global set-up loads it untransformed). */
export declare const MARKER: string;

export interface ProcessRow {
  pid: number;
  ppid: number;
  pgrp: number;
  start: number;
  marked: boolean;
  otherRun: boolean;
  command: string;
}

export declare function parseStat(text: string): { pid: number; ppid: number; pgrp: number; start: number };
export declare function leftovers(table: ProcessRow[], run: { self: number; marker?: string }): ProcessRow[];
export declare function processTable(marker: string | undefined): ProcessRow[];
export declare function endLeftovers(marker: string | undefined, graceMs?: number): Promise<ProcessRow[]>;
