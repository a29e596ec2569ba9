import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
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

/** Bytes gathered before each write. */
const CHUNK = 1 << 20;

/**
 * Writes the document whole or not at all (a temporary file renamed into place), creating
 * directories as needed. Written piece by piece — one session, span or trace per line — so a
 * large capture never has to fit in one string.
 */
export function writeDocument(path: string, doc: ExportDocument): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${process.pid}-${Date.now()}.sightline.tmp`);
  const fd = openSync(temporary, 'w');
  try {
    let pending = '';
    const put = (text: string) => {
      pending += text;
      if (pending.length >= CHUNK) {
        writeSync(fd, pending);
        pending = '';
      }
    };
    const { sessions, spans, traces, ...head } = doc;
    put('{\n');
    for (const [key, value] of Object.entries(head)) put(`  ${JSON.stringify(key)}: ${JSON.stringify(value)},\n`);
    const list = (key: string, items: readonly unknown[], last = false) => {
      put(`  ${JSON.stringify(key)}: [`);
      for (let i = 0; i < items.length; i++) put(`${i ? ',' : ''}\n    ${JSON.stringify(items[i])}`);
      put(`${items.length ? '\n  ' : ''}]${last ? '' : ','}\n`);
    };
    list('sessions', sessions);
    list('spans', spans);
    list('traces', traces, true);
    put('}\n');
    writeSync(fd, pending);
  } catch (err) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(temporary, path);
}

/** A document this process wrote before, to add to; null when it is gone or no longer one. */
export function readDocument(path: string): ExportDocument | null {
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as ExportDocument;
    return doc?.format === 'sightline-export' && Array.isArray(doc.spans) ? doc : null;
  } catch {
    return null;
  }
}
