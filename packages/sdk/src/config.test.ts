import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_EXPORT_TIMEOUT_MS, parseHeaders, resolveConfig } from './config.js';

describe('init options and environment', () => {
  it('defaults to a local Sightline over OTLP/HTTP protobuf, content off', () => {
    const c = resolveConfig({}, {});
    expect(c).toMatchObject({
      exporter: 'otlp',
      url: 'http://127.0.0.1:4318/v1/traces',
      captureContent: false,
      sampleRate: 1,
      serviceName: 'unknown_service:node',
    });
  });

  it('writes a JSON file when an output is named, unless another exporter is chosen', () => {
    expect(resolveConfig({ out: 'runs/' }, {})).toMatchObject({ exporter: 'file', out: 'runs/' });
    expect(resolveConfig({}, { SIGHTLINE_OUT: 'a.json', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toMatchObject({
      exporter: 'file',
      out: 'a.json',
    });
    expect(resolveConfig({}, { SIGHTLINE_OUT: 'a.json', SIGHTLINE_EXPORTER: 'console' })).toMatchObject({ exporter: 'console' });
    expect(resolveConfig({ exporter: 'file' }, {})).toMatchObject({ exporter: 'file', out: null });
    expect(() => resolveConfig({ exporter: 'otlp', out: 'a.json' }, {})).toThrow(/exporter is not 'file'/);
  });

  it('reads the standard OTEL_* variables, and SIGHTLINE_* over them', () => {
    const env = {
      OTEL_SERVICE_NAME: 'otel-name',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-team=search,authorization=Basic%20abc',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    };
    expect(resolveConfig({}, env)).toMatchObject({
      serviceName: 'otel-name',
      exporter: 'otlp-json',
      url: 'http://collector:4318/v1/traces',
      headers: { 'x-team': 'search', authorization: 'Basic abc' },
    });
    const mine = resolveConfig(
      {},
      {
        ...env,
        SIGHTLINE_SERVICE_NAME: 'mine',
        SIGHTLINE_ENDPOINT: 'http://sl:4800',
        SIGHTLINE_API_KEY: 'k1',
        SIGHTLINE_CAPTURE_CONTENT: 'true',
      },
    );
    expect(mine).toMatchObject({
      serviceName: 'mine',
      url: 'http://sl:4800/v1/traces',
      captureContent: true,
      headers: { authorization: 'Bearer k1' },
    });
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toMatchObject({
      exporter: 'otlp-grpc',
      url: 'http://127.0.0.1:4317',
    });
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://x/custom' }).url).toBe('http://x/custom');
  });

  it('lets options win over everything', () => {
    const c = resolveConfig(
      { endpoint: 'http://h:1', apiKey: 'opt', headers: { authorization: 'Custom z' }, captureContent: false },
      { SIGHTLINE_CAPTURE_CONTENT: '1', SIGHTLINE_API_KEY: 'env' },
    );
    expect(c).toMatchObject({ url: 'http://h:1/v1/traces', captureContent: false, headers: { authorization: 'Custom z' } });
  });

  it('rejects bad values with a message naming them', () => {
    expect(() => resolveConfig({ sampleRate: 2 }, {})).toThrow(ConfigError);
    expect(() => resolveConfig({}, { SIGHTLINE_SAMPLE_RATE: 'half' })).toThrow('SIGHTLINE_SAMPLE_RATE must be a number, got "half"');
    expect(() => resolveConfig({}, { SIGHTLINE_CAPTURE_CONTENT: 'maybe' })).toThrow('SIGHTLINE_CAPTURE_CONTENT must be true or false');
    expect(() => resolveConfig({ exporter: 'kafka' as never }, {})).toThrow('exporter "kafka" is not one of');
  });

  it('bounds exports by a timeout: 10 s by default, else the option or OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT', () => {
    expect(resolveConfig({}, {}).exportTimeoutMs).toBe(DEFAULT_EXPORT_TIMEOUT_MS);
    expect(DEFAULT_EXPORT_TIMEOUT_MS).toBe(10_000);
    const env = { OTEL_EXPORTER_OTLP_TIMEOUT: '3000', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '2000' };
    expect(resolveConfig({}, env).exportTimeoutMs).toBe(2000);
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_TIMEOUT: '3000' }).exportTimeoutMs).toBe(3000);
    expect(resolveConfig({ exportTimeoutMs: 500 }, env).exportTimeoutMs).toBe(500);
    expect(() => resolveConfig({ exportTimeoutMs: 0 }, {})).toThrow('exportTimeoutMs must be a positive number of milliseconds, got 0');
    const warnings: string[] = [];
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' }, (m) => warnings.push(m)).exportTimeoutMs).toBe(10_000);
    expect(warnings).toEqual(['OTEL_EXPORTER_OTLP_TIMEOUT must be a positive number of milliseconds, got "soon"; using 10000 ms']);
  });

  it('parses OTEL_EXPORTER_OTLP_HEADERS', () => {
    expect(parseHeaders(' A=1 , b=x%2Cy,broken')).toEqual({ a: '1', b: 'x,y' });
  });
});
