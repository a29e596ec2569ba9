import type Database from 'better-sqlite3';
import type { EncodedResource, EncodedScope } from './encoded-batch.js';

const CACHE_LIMIT = 10_000;

/** Resolves projects, resources and scopes to ids on the writer's connection, creating them as needed. */
export class DimensionWriter {
  private readonly ids = new Map<string, number>();
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      project: db.prepare('SELECT id FROM projects WHERE name = ?').pluck(),
      insertProject: db.prepare('INSERT INTO projects (name) VALUES (?)'),
      resource: db.prepare('SELECT id FROM resources WHERE fingerprint = ?').pluck(),
      insertResource: db.prepare(
        'INSERT INTO resources (fingerprint, service_name, attributes, dropped_attributes_count, schema_url) VALUES (?, ?, ?, ?, ?)',
      ),
      scope: db.prepare('SELECT id FROM scopes WHERE fingerprint = ?').pluck(),
      insertScope: db.prepare(
        'INSERT INTO scopes (fingerprint, name, version, attributes, dropped_attributes_count, schema_url) VALUES (?, ?, ?, ?, ?, ?)',
      ),
    };
  }

  projectId(name: string): number {
    return this.cached(`p${name}`, () => {
      const id = this.stmts.project.get(name) as number | undefined;
      return id ?? Number(this.stmts.insertProject.run(name).lastInsertRowid);
    });
  }

  resourceId(r: EncodedResource): number {
    return this.cached(`r${Buffer.from(r.fingerprint).toString('latin1')}`, () => {
      const id = this.stmts.resource.get(r.fingerprint) as number | undefined;
      return (
        id ??
        Number(
          this.stmts.insertResource.run(r.fingerprint, r.serviceName, r.attributes, r.droppedAttributesCount, r.schemaUrl).lastInsertRowid,
        )
      );
    });
  }

  scopeId(s: EncodedScope): number {
    return this.cached(`s${Buffer.from(s.fingerprint).toString('latin1')}`, () => {
      const id = this.stmts.scope.get(s.fingerprint) as number | undefined;
      return (
        id ??
        Number(
          this.stmts.insertScope.run(s.fingerprint, s.name, s.version, s.attributes, s.droppedAttributesCount, s.schemaUrl).lastInsertRowid,
        )
      );
    });
  }

  /** Forgets ids learnt in a transaction that rolled back. */
  reset(): void {
    this.ids.clear();
  }

  private cached(key: string, load: () => number): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = load();
      if (this.ids.size >= CACHE_LIMIT) this.ids.delete(this.ids.keys().next().value as string);
      this.ids.set(key, id);
    }
    return id;
  }
}
