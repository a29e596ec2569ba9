/**
 * Projects, API keys, usage counts and the audit log: who may see and write which project's
 * data. Kept in the same store as the telemetry, so one database file is one installation.
 */

/** What a project may be set to; null (or absent) means the server's default. */
export interface ProjectSettings {
  /** Days a trace is kept after its last span ends; null keeps the server's `--retention`. */
  readonly retentionDays?: number | null;
  /** Spans a second the project may send, averaged over a second or two (bursts of twice that pass). */
  readonly spansPerSecond?: number | null;
  /** Spans a UTC day the project may send. */
  readonly spansPerDay?: number | null;
  /** Spans a UTC calendar month the project may send. */
  readonly spansPerMonth?: number | null;
  /** What is redacted from its data before anything is stored (see `RedactionSettings`). */
  readonly redaction?: RedactionSettings | null;
}

/** The built-in redaction rules, by the names projects, `--redact` and the API use. */
export const BUILTIN_REDACTION_RULES = ['email', 'api-key', 'card-number', 'phone'] as const;

/** Redaction rules of a project. */
export interface RedactionSettings {
  /** Built-in rules by name (see {@link BUILTIN_REDACTION_RULES}). */
  readonly builtins: readonly string[];
  /** Your own rules: a name and a regular expression (JavaScript syntax, matched case-sensitively). */
  readonly patterns: readonly { readonly name: string; readonly regex: string }[];
  /** Attribute keys whose whole value is redacted wherever they occur (`user.email`, `http.request.header.cookie`). */
  readonly attributeKeys: readonly string[];
}

export interface ProjectInfo {
  readonly name: string;
  readonly createdAtMs: number;
  readonly settings: ProjectSettings;
}

/** An API key as stored: never the key itself, only its SHA-256. */
export interface StoredKey {
  /** The public part of the key (`sl_<id>_…`): how it is listed and revoked. */
  readonly id: string;
  /** The project it selects; null for an admin key. */
  readonly project: string | null;
  readonly name: string | null;
  /** SHA-256 of the whole key, lowercase hex. */
  readonly hash: string;
  readonly createdAtMs: number;
  readonly lastUsedAtMs: number | null;
  readonly revokedAtMs: number | null;
}

/** One admin action, as `GET /api/audit` lists it. */
export interface AuditEntry {
  readonly atMs: number;
  /** Who: a key id, `SIGHTLINE_ADMIN_KEY`, `local` (loopback without a key) or `cli --db`. */
  readonly actor: string;
  /** What: `project.create`, `key.create`, `key.revoke`, `trace.delete`, `user.delete`, … */
  readonly action: string;
  readonly project: string | null;
  /** The id it was done to (a key id, a trace id, a user id), if any. */
  readonly target: string | null;
  /** What else is worth keeping (how many spans a deletion removed, the settings set). */
  readonly detail: Readonly<Record<string, unknown>>;
}

/** An audit entry as kept: numbered in the order appended. */
export interface AuditRecord extends AuditEntry {
  readonly id: number;
}

/** Which audit entries to list (see `AccessStore.listAudit`). */
export interface AuditQuery {
  readonly limit: number;
  readonly project?: string;
  readonly beforeId?: number;
}

/** Spans a project sent on one UTC day. */
export interface UsageDay {
  readonly project: string;
  /** `YYYY-MM-DD`. */
  readonly day: string;
  readonly spans: number;
}

/** A project of that name exists already. */
export class ProjectExistsError extends Error {
  override readonly name = 'ProjectExistsError';
  constructor(readonly project: string) {
    super(`project "${project}" exists already`);
  }
}

/**
 * Where projects, keys, usage and the audit log are kept. Every method may be called while
 * telemetry is written; a backend without it leaves `Storage.access` out.
 */
export interface AccessStore {
  /** Creates a project; throws {@link ProjectExistsError} when the name is taken. */
  createProject(name: string, settings: ProjectSettings, atMs: number): Promise<ProjectInfo>;
  getProject(name: string): Promise<ProjectInfo | null>;
  /** Every project, by name. */
  listProjects(): Promise<ProjectInfo[]>;
  /** Replaces the settings given (others are kept); null when there is no such project. */
  updateProject(name: string, settings: ProjectSettings): Promise<ProjectInfo | null>;
  addKey(key: StoredKey): Promise<void>;
  /** The key with that id, revoked or not; null when none. */
  findKey(id: string): Promise<StoredKey | null>;
  /** Keys of one project (or every key, admin keys too, when project is undefined), newest first. */
  listKeys(project?: string): Promise<StoredKey[]>;
  /** Marks a key revoked; false when there is no such key or it was revoked already. */
  revokeKey(id: string, atMs: number): Promise<boolean>;
  /** Records when keys were last used (only ever moves forward). */
  touchKeys(lastUsed: ReadonlyMap<string, number>): Promise<void>;
  /** Adds spans to each project's day. */
  addUsage(days: readonly UsageDay[]): Promise<void>;
  /** A project's days from `fromDay` to `toDay` (inclusive, `YYYY-MM-DD`), oldest first. */
  readUsage(project: string, fromDay: string, toDay: string): Promise<UsageDay[]>;
  appendAudit(entry: AuditEntry): Promise<void>;
  /** The newest entries first, up to `limit`, of one project or all; `beforeId` pages back. */
  listAudit(q: AuditQuery): Promise<AuditRecord[]>;
}
