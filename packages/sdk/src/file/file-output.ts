import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ExportDocument } from './export-document.js';

/**
 * Where a document goes: `target` (a file, or a directory when it ends in `/` or exists as
 * one), else the working directory; a directory gets `<session-id>.json` when the document
 * holds one session, `sightline-<time>.json` otherwise.
 */
export function outputPath(target: string | null, doc: ExportDocument, cwd: string): string {
  if (target && !/[/\\]$/.test(target) && !isDirectory(resolve(cwd, target))) return resolve(cwd, target);
  return resolve(cwd, target ?? '.', defaultName(doc));
}

export function defaultName(doc: ExportDocument): string {
  if (doc.sessions.length === 1) return `${(doc.sessions[0]?.id ?? '').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200)}.json`;
  return `sightline-${doc.exported_at.replace(/[:.]/g, '-')}.json`;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Writes the document whole or not at all (a temporary file renamed into place), creating directories as needed. */
export function writeDocument(path: string, doc: ExportDocument): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${process.pid}-${Date.now()}.sightline.tmp`);
  writeFileSync(temporary, `${JSON.stringify(doc, null, 2)}\n`);
  renameSync(temporary, path);
}
