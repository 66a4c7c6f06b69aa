/**
 * ccproxy's public API: what configs, in-house plugins and provider adapters import.
 * @module ccproxy
 */
export { defineConfig } from './config/define.ts';
export type {
  ConfigEnv,
  LogLevel,
  ServerConfig,
  UserConfig,
  UserConfigFn,
} from './config/define.ts';
export type { ServerLimits } from './http/limits.ts';
export { loadConfig, type ConfigFlags, type ResolvedConfig } from './config/load.ts';
export { checkOptions } from './config/validate.ts';
export { Type, Options, ModelRef, HttpUrl, RedisUrl, HeaderMap } from './config/schema.ts';
export type { Static, TSchema } from './config/schema.ts';
export { definePlugin } from './plugin.ts';
export type {
  DiscoveredModel,
  ProviderAbout,
  ClientAuth,
  EventResult,
  OnHeaders,
  RequestHead,
  ModelInfo,
  Next,
  OnEvent,
  OnFinish,
  OnRequest,
  Outcome,
  Plugin,
  PluginOption,
  Provider,
  ProxyApp,
  ProxyServices,
  ProxyState,
  Relay,
  Target,
  WrapStream,
} from './plugin.ts';
export {
  ProxyContext,
  type ClientAccess,
  type ClientInfo,
  type Endpoint,
  type ReceivedBody,
  type Timings,
} from './context.ts';
export {
  ConfigError,
  ProxyError,
  asProxyError,
  errorFromEvent,
  errorTypeForStatus,
  statusForErrorType,
} from './errors.ts';
export { addressSet, type AddressSet } from './http/address.ts';
export { configuredHeaders } from './http/headers.ts';
export { startProxy, type RunningProxy, type StartOptions } from './start.ts';
export { isLoopback } from './net.ts';
export { EventBus, type EventListener, type ProxyEvent } from './events.ts';
export { Lasting } from './lasting.ts';
export type { ReloadResult, Reloader } from './reload.ts';
export type { HealthCheck, HealthReport } from './health.ts';
export { messageId, toolUseId } from './ids.ts';
export { parseModelRef, formatTarget, pickerAlias, toTarget } from './models.ts';
export { estimateInputTokens, estimateTextTokens } from './tokens.ts';
export { StreamGuard } from './stream/guard.ts';
export { MessageAccumulator, foldEvents } from './stream/accumulator.ts';
export { SseParser, SSE_EVENT_LIMIT, readSse, type SseMessage } from './stream/sse-reader.ts';
export { serializeEvent } from './stream/sse-writer.ts';
export { Utf8Stream } from './stream/utf8.ts';
export { batchedSource, type EventBatches } from './stream/batches.ts';
export { messageStartEvent } from './stream/events.ts';
export { failureFields } from './log.ts';
export type { AbortSource } from './abort.ts';
export {
  callUpstream,
  transportError,
  type UpstreamBody,
  type UpstreamCall,
  type UpstreamResponse,
  type UpstreamTimeouts,
} from './http/client.ts';
export { utf8Bytes } from './http/utf8.ts';
export type * from './anthropic.ts';
export type * from './storage.ts';
