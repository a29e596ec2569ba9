import type { InstrumentationScope, Resource } from '@sightline/core';
import { decodeAttributes } from '@sightline/storage';
import type Database from 'better-sqlite3';

const CACHE_LIMIT = 10_000;

/** Reads projects, resources and scopes by id, caching what it read (they never change). */
export class DimensionReader {
  private readonly projects = new Map<string, number>();
  private readonly resources = new Map<number, Resource>();
  private readonly scopes = new Map<number, InstrumentationScope>();
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      project: db.prepare('SELECT id FROM projects WHERE name = ?').pluck(),
      resource: db.prepare('SELECT attributes, dropped_attributes_count, schema_url FROM resources WHERE id = ?'),
      scope: db.prepare('SELECT name, version, attributes, dropped_attributes_count, schema_url FROM scopes WHERE id = ?'),
    };
  }

  /** The id of a project, or null when nothing was ever written to it. */
  projectId(name: string): number | null {
    const cached = this.projects.get(name);
    if (cached !== undefined) return cached;
    const id = this.stmts.project.get(name) as number | undefined;
    if (id === undefined) return null;
    this.projects.set(name, id);
    return id;
  }

  resource(id: number): Resource {
    let r = this.resources.get(id);
    if (!r) {
      const row = this.stmts.resource.get(id) as { attributes: string; dropped_attributes_count: number; schema_url: string };
      r = { attributes: decodeAttributes(row.attributes), droppedAttributesCount: row.dropped_attributes_count, schemaUrl: row.schema_url };
      bounded(this.resources, id, r);
    }
    return r;
  }

  scope(id: number): InstrumentationScope {
    let s = this.scopes.get(id);
    if (!s) {
      const row = this.stmts.scope.get(id) as {
        name: string;
        version: string;
        attributes: string;
        dropped_attributes_count: number;
        schema_url: string;
      };
      s = {
        name: row.name,
        version: row.version,
        attributes: decodeAttributes(row.attributes),
        droppedAttributesCount: row.dropped_attributes_count,
        schemaUrl: row.schema_url,
      };
      bounded(this.scopes, id, s);
    }
    return s;
  }
}

function bounded<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= CACHE_LIMIT) map.delete(map.keys().next().value as K);
  map.set(key, value);
}
