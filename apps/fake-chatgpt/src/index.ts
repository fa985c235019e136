export { FakeChatgpt } from './emulator';
export { RESPONSES_WEBSOCKETS_BETA, type WebSocketCounters } from './websocket-handler';
export { DEFAULT_CHAOS_WEIGHTS, type ChaosKind, type ChaosOptions, type ChaosStats } from './chaos';
export { DEFAULT_CLIENT_ID } from './state';
export { CATALOGUE, type ModelInfo } from './models-catalogue';
export type {
  AccountRecord,
  AddAccountOptions,
  CountersSnapshot,
  EmulatorOptions,
  Fault,
  FaultRoute,
  IssuedTokens,
  LastRequest,
  QuotaWindow,
  RouteName,
  StartOptions,
  WindowConfig,
  WindowName,
} from './types';
