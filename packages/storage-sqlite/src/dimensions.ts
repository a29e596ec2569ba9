import { createHash } from 'node:crypto';
import { type InstrumentationScope, type Resource, serviceNameOf } from '@sightline/core';
import type Database from 'better-sqlite3';
import { decodeAttributes, encodeAttributes } from './span-rows.js';

const CACHE_LIMIT = 10_000;

/**
 * Resources, scopes and projects: each stored once and referred to by id. Lookups go
 * through caches — by object identity first, since spans of one request share their
 * resource and scope objects, then by content fingerprint.
 */
export class Dimensions {
  private resourceIds = new WeakMap<Resource, number>();
  private scopeIds = new WeakMap<InstrumentationScope, number>();
  private readonly idsByFingerprint = new Map<string, number>();
  private readonly resources = new Map<number, Resource>();
  private readonly scopes = new Map<number, InstrumentationScope>();
  private readonly projectIds = new Map<string, number>();
  private readonly stmts;

  constructor(readonly db: Database.Database) {
    this.stmts = {
      resourceByFingerprint: db.prepare('SELECT id FROM resources WHERE fingerprint = ?').pluck(),
      insertResource: db.prepare(
        'INSERT INTO resources (fingerprint, service_name, attributes, dropped_attributes_count, schema_url) VALUES (?, ?, ?, ?, ?)',
      ),
      resourceById: db.prepare('SELECT attributes, dropped_attributes_count, schema_url FROM resources WHERE id = ?'),
      scopeByFingerprint: db.prepare('SELECT id FROM scopes WHERE fingerprint = ?').pluck(),
      insertScope: db.prepare(
        'INSERT INTO scopes (fingerprint, name, version, attributes, dropped_attributes_count, schema_url) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      scopeById: db.prepare('SELECT name, version, attributes, dropped_attributes_count, schema_url FROM scopes WHERE id = ?'),
      projectByName: db.prepare('SELECT id FROM projects WHERE name = ?').pluck(),
      insertProject: db.prepare('INSERT INTO projects (name) VALUES (?)'),
    };
  }

  /** The id of a project, creating it when `create` is set; null when absent and not created. */
  projectId(name: string, create: boolean): number | null {
    const cached = this.projectIds.get(name);
    if (cached !== undefined) return cached;
    let id = this.stmts.projectByName.get(name) as number | undefined;
    if (id === undefined) {
      if (!create) return null;
      id = Number(this.stmts.insertProject.run(name).lastInsertRowid);
    }
    this.projectIds.set(name, id);
    return id;
  }

  /** Must run inside the write transaction (it may insert). */
  resourceId(resource: Resource): number {
    const known = this.resourceIds.get(resource);
    if (known !== undefined) return known;
    const attributes = encodeAttributes(resource.attributes);
    const fingerprint = fingerprintOf('r', resource.schemaUrl, resource.droppedAttributesCount, attributes);
    let id = this.cachedFingerprint(fingerprint);
    if (id === undefined) {
      id = this.stmts.resourceByFingerprint.get(fingerprint) as number | undefined;
      id ??= Number(
        this.stmts.insertResource.run(fingerprint, serviceNameOf(resource), attributes, resource.droppedAttributesCount, resource.schemaUrl)
          .lastInsertRowid,
      );
      this.remember(fingerprint, id);
    }
    this.resourceIds.set(resource, id);
    return id;
  }

  /** Must run inside the write transaction (it may insert). */
  scopeId(scope: InstrumentationScope): number {
    const known = this.scopeIds.get(scope);
    if (known !== undefined) return known;
    const attributes = encodeAttributes(scope.attributes);
    const fingerprint = fingerprintOf('s', scope.name, scope.version, scope.schemaUrl, scope.droppedAttributesCount, attributes);
    let id = this.cachedFingerprint(fingerprint);
    if (id === undefined) {
      id = this.stmts.scopeByFingerprint.get(fingerprint) as number | undefined;
      id ??= Number(
        this.stmts.insertScope.run(fingerprint, scope.name, scope.version, attributes, scope.droppedAttributesCount, scope.schemaUrl)
          .lastInsertRowid,
      );
      this.remember(fingerprint, id);
    }
    this.scopeIds.set(scope, id);
    return id;
  }

  resource(id: number): Resource {
    let r = this.resources.get(id);
    if (!r) {
      const row = this.stmts.resourceById.get(id) as { attributes: string; dropped_attributes_count: number; schema_url: string };
      r = { attributes: decodeAttributes(row.attributes), droppedAttributesCount: row.dropped_attributes_count, schemaUrl: row.schema_url };
      boundedSet(this.resources, id, r);
    }
    return r;
  }

  scope(id: number): InstrumentationScope {
    let s = this.scopes.get(id);
    if (!s) {
      const row = this.stmts.scopeById.get(id) as {
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
      boundedSet(this.scopes, id, s);
    }
    return s;
  }

  /** Forget ids learnt inside a transaction that rolled back. */
  reset(): void {
    this.resourceIds = new WeakMap();
    this.scopeIds = new WeakMap();
    this.idsByFingerprint.clear();
    this.projectIds.clear();
  }

  private cachedFingerprint(fingerprint: Buffer): number | undefined {
    return this.idsByFingerprint.get(fingerprint.toString('latin1'));
  }

  private remember(fingerprint: Buffer, id: number): void {
    boundedSet(this.idsByFingerprint, fingerprint.toString('latin1'), id);
  }
}

function fingerprintOf(...parts: (string | number)[]): Buffer {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(`${part}\u0000`);
  return hash.digest();
}

function boundedSet<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= CACHE_LIMIT) map.delete(map.keys().next().value as K);
  map.set(key, value);
}
