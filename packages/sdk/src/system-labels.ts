import { hostname, platform, release } from 'node:os';
import type { Labels } from './labels.js';
import { SDK_VERSION } from './version.js';

/** The labels Sightline sets itself (keys starting with `sightline_`). */
export function systemLabels(): Labels {
  return {
    sightline_sdk_version: SDK_VERSION,
    sightline_runtime: `node ${process.versions.node}`,
    sightline_hostname: hostname().slice(0, 256),
    sightline_os: `${platform()} ${release()}`.slice(0, 256),
  };
}
