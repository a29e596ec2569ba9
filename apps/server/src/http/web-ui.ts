import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * What the browser may run and load: only the UI's own files. No inline scripts or styles
 * (the build emits none), no frames, nothing from elsewhere — so even text from a span that
 * somehow became markup could run nothing.
 */
export const UI_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const SECURITY_HEADERS = {
  'Content-Security-Policy': UI_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** The UI's paths (a contract: links and outside tests open them). */
const APP_PATHS = [
  /^\/$/,
  /^\/traces\/?$/,
  /^\/traces\/[^/]+\/?$/,
  /^\/calls\/?$/,
  /^\/sessions\/?$/,
  /^\/sessions\/[^/]+\/?$/,
  /^\/users\/?$/,
  /^\/users\/[^/]+\/?$/,
  /^\/dashboard\/?$/,
  /^\/metrics\/?$/,
];

interface File {
  readonly body: Buffer;
  readonly gzip: Buffer | null;
  readonly type: string;
}

/**
 * Serves the built web UI (`apps/web/dist`): its app paths get `index.html` (the app routes in
 * the browser), `/assets/*` — names carry a content hash — are cached for a year, and any
 * other GET outside the API gets `index.html` with 404, so the app shows its own not-found
 * view. Files are read once and kept, gzipped when that helps.
 */
export class WebUi {
  private readonly files = new Map<string, File>();

  constructor(private readonly dir: string | null) {}

  /** The UI's files as installed with the `@sightline/web` package; null when it was not built. */
  static installed(): WebUi {
    let dir: string | null = null;
    try {
      const pkg = createRequire(import.meta.url).resolve('@sightline/web/package.json');
      dir = join(dirname(pkg), 'dist');
    } catch {
      dir = null;
    }
    return new WebUi(dir && existsSync(join(dir, 'index.html')) ? dir : null);
  }

  get available(): boolean {
    return this.dir !== null;
  }

  /** How many files are held in memory: at most the UI's own, whatever names they were asked by. */
  get heldFiles(): number {
    return this.files.size;
  }

  /** Whether `path` is one of the app's pages. */
  isAppPath(path: string): boolean {
    return APP_PATHS.some((re) => re.test(path));
  }

  /** Answers a GET for `path`: a page, an asset, or the not-found page. */
  serve(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (!this.dir) {
      const text =
        'Sightline is running, but its web UI was not built. Run `npm run build` at the repository root (npm install does it), then restart.\n\nAPI: /api/traces (OpenAPI at /api/openapi.json)\n';
      res.writeHead(this.isAppPath(path) ? 200 : 404, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      res.end(text);
      return;
    }
    const asset = path.startsWith('/assets/') || path === '/favicon.svg' ? this.file(path) : null;
    if (asset) {
      this.send(req, res, 200, asset, path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600');
      return;
    }
    const index = this.file('/index.html') as File;
    this.send(req, res, this.isAppPath(path) ? 200 : 404, index, 'no-cache');
  }

  private send(req: IncomingMessage, res: ServerResponse, status: number, file: File, cache: string): void {
    const gzip = file.gzip !== null && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? (file.gzip as Buffer) : file.body;
    res.writeHead(status, {
      'Content-Type': file.type,
      'Content-Length': body.length,
      'Cache-Control': cache,
      Vary: 'Accept-Encoding',
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
      ...SECURITY_HEADERS,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /**
   * A file of the UI by URL path, or null; never outside the UI's directory. Kept by the file
   * it resolves to: the many URLs that name one file (`/assets//x.js`, `%2F..%2F`) share it, so
   * no one can fill memory by asking for the same file under new names.
   */
  private file(path: string): File | null {
    const dir = this.dir as string;
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return null;
    }
    const full = normalize(join(dir, decoded));
    if (!full.startsWith(dir + sep)) return null;
    const cached = this.files.get(full);
    if (cached) return cached;
    if (!existsSync(full)) return null;
    let body: Buffer;
    try {
      body = readFileSync(full);
    } catch {
      return null;
    }
    const type = TYPES[extname(full)] ?? 'application/octet-stream';
    const zipped = body.length > 1024 && !type.startsWith('image/png') ? gzipSync(body) : null;
    const file = { body, gzip: zipped && zipped.length < body.length ? zipped : null, type };
    this.files.set(full, file);
    return file;
  }
}
