const Database = require('better-sqlite3');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const N = 1000000;
const attrs = JSON.stringify(Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`gen_ai.attr.${i}`, 'x'.repeat(70)])));
function run(name, { pageSize = 4096, spanIdx = true, sync = 'NORMAL', cache = 64, B = 512, ckpt = 1000 }) {
  const path = '/tmp/sqlvar.db';
  for (const f of [path, `${path}-wal`, `${path}-shm`]) fs.rmSync(f, { force: true });
  const db = new Database(path);
  db.pragma(`page_size = ${pageSize}`);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync}`);
  db.pragma(`cache_size = -${cache * 1024}`);
  db.pragma(`wal_autocheckpoint = ${ckpt}`);
  db.exec(`CREATE TABLE spans (trace_key INTEGER NOT NULL, span_id BLOB NOT NULL, parent_span_id BLOB, name TEXT NOT NULL, kind INTEGER NOT NULL, start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL, status_code INTEGER NOT NULL, status_message TEXT NOT NULL, trace_state TEXT NOT NULL, flags INTEGER NOT NULL, resource_id INTEGER NOT NULL, scope_id INTEGER NOT NULL, attributes TEXT NOT NULL, dropped_attributes_count INTEGER NOT NULL, events TEXT, dropped_events_count INTEGER NOT NULL, links TEXT, dropped_links_count INTEGER NOT NULL);
  CREATE UNIQUE INDEX spans_by_trace ON spans (trace_key, span_id);${spanIdx ? 'CREATE INDEX spans_by_span_id ON spans (span_id);' : ''}`);
  const ins = db.prepare(`INSERT OR IGNORE INTO spans VALUES (${Array(19).fill('?').join(',')})`);
  const tx = db.transaction((from, to) => {
    for (let i = from; i < to; i++)
      ins.run([
        Math.floor(i / 8) + 1,
        randomBytes(8),
        randomBytes(8),
        'chat gpt-4o',
        3,
        1n,
        2n,
        0,
        '',
        '',
        257,
        1,
        1,
        attrs,
        0,
        null,
        0,
        null,
        0,
      ]);
  });
  const t = performance.now();
  let last = t;
  const marks = [];
  for (let i = 0; i < N; i += B) {
    tx(i, Math.min(N, i + B));
    if ((i + B) % 250000 < B) {
      const now = performance.now();
      marks.push((((now - last) * 1000) / 250000).toFixed(1));
      last = now;
    }
  }
  const ms = performance.now() - t;
  console.log(
    name.padEnd(28),
    ((ms * 1000) / N).toFixed(2),
    'µs/row',
    'per 250k:',
    marks.join(' '),
    (fs.statSync(path).size / N).toFixed(0),
    'B/row',
  );
  db.close();
}
const which = process.argv[2];
const cfgs = {
  noidxoff: { spanIdx: false, sync: 'OFF' },
  noidxnock: { spanIdx: false, ckpt: 0 },
  noidx16: { spanIdx: false, pageSize: 16384 },
  noidx16b: { spanIdx: false, pageSize: 16384, B: 2048 },
  noidxb: { spanIdx: false, B: 2048 },
  noidx8b: { spanIdx: false, B: 2048, pageSize: 8192 },
  base: {},
  p16: { pageSize: 16384 },
  p8: { pageSize: 8192 },
  noidx: { spanIdx: false },
  b4k: { B: 4096 },
  p16b4k: { pageSize: 16384, B: 4096 },
  ck10k: { ckpt: 10000 },
  p16ck: { pageSize: 16384, ckpt: 4000, B: 2048 },
};
run(which, cfgs[which]);
