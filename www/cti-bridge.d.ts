// Type declarations for the cti-bridge drop-in script (cti-bridge.js / cti-bridge.mjs).
// The event, command and snapshot types are generated from the Rust types
// (cti-bridge-types.d.ts); this file declares the host API around them.

import type { CcFault, Command, CrmRequest, DiagnoseReport, Dropped, Event, HealthState, JsonValue, LogEntry, LogQuery, Mode, Snapshot, WidgetEvent } from "./cti-bridge-types";

export * from "./cti-bridge-types";

/** Error codes of a rejected promise. */
export type CtiBridgeErrorCode =
  | "timeout" // no handshake / no answer in time
  | "refused" // the widget refused this page's origin or protocol version
  | "origin" // the widget origin is not in allowedOrigins
  | "invalid" // bad options
  | "disposed" // the bridge was disposed
  | "aborted" // connect()'s signal was aborted before the handshake
  | "rejected" // the side refused the change, or it was superseded / not supported
  | "invalidParams" // the widget refused the call's parameters
  | "unknownMethod" // the widget has no such method
  | "forbidden" // not allowed by the widget's configuration
  | "notSupported"; // the contact centre cannot do it (AXP is read-only; no contact centre in the widget)

/** The error every rejected promise of the host API carries. */
export interface CtiBridgeError extends Error {
  /** Always "CtiBridgeError". */
  name: "CtiBridgeError";
  /** What went wrong, as a stable code. */
  code: CtiBridgeErrorCode;
  /** For a rejected change: the command as it ended. For "refused": `{reason, code, fix}` (code: docs/troubleshooting.md). */
  detail?: unknown;
}

/** The CRM's own presence API, for the ready-made CRM Connector Client Application. */
export interface CrmPresenceApi {
  /** The current CRM status id. */
  getPresence(): string | null | Promise<string | null>;
  /** Sets the CRM status; resolve false (or reject) when the CRM refused. */
  setPresence(statusId: string): boolean | void | Promise<boolean | void>;
  /** Calls back with the new status id whenever the user's presence changes; returns an unsubscribe function. */
  onPresenceChange?(callback: (statusId: string) => void): (() => void) | void;
  /** The CRM user, sent in the connector's `crmData` answer. */
  currentUser?: { Id?: string; Name?: string; Username?: string; LanguageLocaleKey?: string; [key: string]: unknown };
  /** Call-centre settings for `crmData` (the omnichannel mode is filled in from `mode`). */
  callCenterSettings?: Record<string, unknown>;
  /** Capabilities for `crmData` (default: `{directoryAvailable}` from `directory`). */
  capabilities?: Record<string, unknown>;
  /** CRM contacts for requestGetCrmDirectory. */
  directory?(): Array<{ id: string; name?: string; phone?: string; email?: string }> | Promise<Array<{ id: string; name?: string; phone?: string; email?: string }>>;
  /** Any other connector request (requestPerformInteractionScreenPop, requestSaveInteractionLog, ...). */
  onRequest?(action: string, data: JsonValue): void;
}

/** Options of `CtiBridge.connect`. */
export interface ConnectOptions {
  /** The widget page URL (its exact origin is the only one the host talks to). */
  widgetUrl: string;
  /** The element (or selector) the iframe goes into. */
  container: Element | string;
  /** Widget origins accepted; defaults to the widgetUrl's origin. "*" is refused. */
  allowedOrigins?: string[];
  /** Sync mode, sent to the widget as the CCDef omnichannel mode. */
  mode?: Mode;
  /** Handshake time-out (default 10 000 ms). */
  timeoutMs?: number;
  /** Per-call time-out (default 15 000 ms). */
  requestTimeoutMs?: number;
  /** The iframe title. */
  title?: string;
  /** The CRM presence API: the script then plays the CRM Connector Client Application. */
  crm?: CrmPresenceApi;
  /** For a widget that runs its own contact-centre client (its widget-config.json `contactCentre`). */
  contactCentre?: ContactCentreOptions;
  /** Aborting it before the handshake rejects `connect()` with "aborted" and removes the iframe. */
  signal?: AbortSignal;
  /**
   * Liveness: the host pings the widget on its port every `intervalMs` (default 2000); after
   * `misses` unanswered pings in a row (default 3) the widget is taken for dead (a trap, out of
   * memory), a `health` event with status "unresponsive" is raised, and its iframe is reloaded;
   * the new widget resumes from the last `channelSeq` seen.
   */
  liveness?: { intervalMs?: number; misses?: number };
  /** Where this bridge's log records go (default: the console). */
  logger?: Logger;
  /** false: log details as they are (phone numbers, names and tokens are redacted by default). */
  redact?: boolean;
  /** false hides the agent's panel inside the widget (default: shown). */
  panel?: boolean;
  /** The panel's colours and sizes: each key sets the CSS custom property `--cti-<key>` (kebab-case). */
  theme?: PanelTheme;
  /** The panel's language (`en`, `fr`; others fall back to English). Default: the browser's. */
  locale?: string;
}

/** `connect({theme})`: CSS values (colours, lengths, font lists; no `url()`). */
export interface PanelTheme {
  bg?: string; fg?: string; muted?: string; surface?: string; border?: string; accent?: string; accentFg?: string;
  danger?: string; ok?: string; warn?: string; focus?: string; radius?: string; font?: string; fontSize?: string;
}

/** What the host gives the widget's live contact-centre client. It goes into the widget and no further. */
export interface ContactCentreOptions {
  /** "token": the AXP bearer token (a string); "login": xuc credentials. A value or a promise of one. */
  credentials(what: "token" | "login"): string | { login: string; password: string } | Promise<string | { login: string; password: string }>;
}

/** The live client's health states (generated: `HealthState`). */
export type CcHealthState = HealthState;

/** One message the widget received or sent (widget config `trace: true`): names and sizes, never contents. */
export interface TraceEntry {
  /** Date.now() in the widget. */
  at: number;
  /** Received ("in") or sent ("out") by the widget. */
  dir: "in" | "out";
  /** host: the private port; window: postMessage on the window; cc: the contact centre (WebSocket, REST). */
  peer: "host" | "window" | "cc";
  /** The sender's origin, for a message from a window. */
  origin?: string;
  /** The message type (event kind, request method, frame type, `POST /path` ...). */
  type: string;
  /** Size of the message, when known. */
  bytes?: number;
  /** Why it was dropped, for one that was. */
  dropped?: string;
}

/** Events the host script adds to the widget's (not numbered by the channel). */
export type HostEvent =
  | { kind: "connection"; status: "ready"; epoch: string; lastSeq: number; snapshot: Snapshot }
  | { kind: "connection"; status: "reconnecting" }
  | { kind: "crmMessage"; direction: "in"; message: JsonValue }
  /** The widget stopped answering pings and is being reloaded; "live" again once it answers. */
  | { kind: "health"; status: "unresponsive" | "live"; dropped: Dropped };

/**
 * Multi-tab (widget config `multiTab: "shared"`): this tab's part, as `Bridge.tabs()` returns it.
 * In a follower, `snapshot()` is the leader's and `ccHealth` / `connection` events are the
 * leader's; a screen pop reaches one tab only (widget config `screenPopTab`), interaction logs the
 * leader's CRM only.
 */
export interface TabsInfo {
  /** The leader holds the contact-centre connection; followers relay through it. */
  role: "leader" | "follower";
  /** How many widget tabs of this agent are open in this browser (this storage partition). */
  count: number;
  /** When the current leader took the lead (ms since the Unix epoch); null until known. */
  leaderSince: number | null;
}

/**
 * Multi-tab events, numbered like the rest: `tabs` on every change of this tab's part; a `gap`
 * with `scope: "tabs"` when the leader was lost with requests outstanding (`requests`: how many
 * were answered with an error), the leader's stream had a hole (`from`..`to`, its numbering), or a
 * new leader took over (`handOver`, `after`: the old leader's last event seen): what the contact
 * centre sent meanwhile cannot be replayed; the new leader re-reads the agent's state.
 */
export type TabsEvent =
  | ({ kind: "tabs" } & TabsInfo)
  | { kind: "gap"; scope: "tabs"; reason: "leaderLost" | "missed" | "handOver"; requests?: number; from?: number; to?: number; after?: number };

/** A `gap` notice: events `from..=to` can no longer be replayed (the widget's outbox lost them, or a widget restored from an older save skipped numbers its dead predecessor issued); one per range, in order, before the replay; the `connection` ready event before them carries a fresh snapshot. */
export type GapEvent = Extract<WidgetEvent, { kind: "gap" }>;

/**
 * Everything a handler can receive. `channelSeq` is the channel's sequence number (what
 * resumption counts); an `Event`'s own `seq` stays the bridge's numbering.
 */
export type BridgeEvent = ((Event | Command | CrmRequest | Exclude<WidgetEvent, { kind: "gap" }> | TabsEvent) & { channelSeq: number }) | GapEvent | HostEvent;

/** A kind to subscribe to with `Bridge.on`; "*" for every kind. */
export type EventKind = BridgeEvent["kind"] | "*";

/** The widget's own view of the channel, returned with each snapshot. */
export interface Diagnostics {
  /** Whether a host port is attached. */
  connected: boolean;
  /** The attached host page's origin. */
  hostOrigin: string | null;
  /** Id of the widget's event numbering (a new one starts a new `seq` series). */
  epoch: string;
  /** The last `seq` the widget sent. */
  lastSeq: number;
  /** Messages the widget dropped: wrong origin, wrong sender window, malformed, other protocol version. */
  dropped: Dropped;
  /** The core's counters (`Stats`: received per source, events, errors per code, duplicates, commands). */
  stats: JsonValue;
  /** Milliseconds since the widget started. */
  uptimeMs: number;
  /** The widget's own contact-centre client, if it runs one. */
  contactCentre?: { source: "axp" | "xuc"; health: { state: CcHealthState; reason: string; retryInMs?: number; fault?: CcFault } | null } | null;
}

/** A connected widget, as returned by `CtiBridge.connect`. */
export interface Bridge {
  /** Subscribes to a kind ("*" for all); events raised before the first subscriber are delivered first, in order. */
  on<K extends EventKind>(kind: K, handler: (event: K extends "*" ? BridgeEvent : Extract<BridgeEvent, { kind: K }>) => void): Bridge;
  /** Removes a handler added with `on`. */
  off(kind: EventKind, handler: (event: BridgeEvent) => void): Bridge;
  /** The widget's message trace (widget config `trace: true`); entries before the first handler are kept (up to 500). */
  on(kind: "trace", handler: (entry: TraceEntry) => void): Bridge;
  /** Removes a trace handler. */
  off(kind: "trace", handler: (entry: TraceEntry) => void): Bridge;
  /** The widget's sync state (agent state, presence, work items, interactions, pending commands) and diagnostics. */
  snapshot(): Promise<{ snapshot: Snapshot; diagnostics: Diagnostics }>;
  /** Resolves with the confirmed command; rejects with code "rejected" (refused, superseded, timed out) or "notSupported" (the side's protocol cannot set it); `detail` is the command as it ended. */
  setAgentState(state: "ready" | "notReady", reason?: string): Promise<Command>;
  /** Asks the CRM for a Ready / Not Ready presence; settles like setAgentState. */
  setPresence(state: "ready" | "notReady"): Promise<Command>;
  /** Changes the sync mode. */
  setMode(mode: Mode): Promise<{ mode: Mode }>;
  /** One typed command on the widget's xuc link (`ccCommand("loginAgent", "1000", 19)`); resolves when sent. */
  ccCommand(name: string, ...args: JsonValue[]): Promise<{ sent: string }>;
  /** Feeds a raw vendor message (only when the widget allows injection: demo and tests). */
  inject(source: string, msg: JsonValue): Promise<{ ok: true }>;
  /** Runs the widget's checks; every check has a stable id (docs/troubleshooting.md), a status, a detail and a fix. Never carries a secret. */
  diagnose(): Promise<DiagnoseReport>;
  /** The widget's redacted log ring (the last 2,000 entries): entries at or after `since` (ms since the epoch) at `level` or above. */
  logs(query?: LogQuery): Promise<LogEntry[]>;
  /** The support bundle: JSON Lines text, the diagnose report on the first line, then one log entry per line. */
  exportLogs(): Promise<string>;
  /** This tab's part in multi-tab as of the last `tabs` event; null when the widget shares no connection (`multiTab: "independent"`, no `contactCentre`, no Web Locks). */
  tabs(): TabsInfo | null;
  /** Host-side counters: messages dropped for a wrong origin or source, duplicates skipped; the channel position. */
  hostStats(): { droppedOrigin: number; droppedSource: number; duplicates: number; reloads: number; epoch: string | null; lastSeq: number; connected: boolean };
  /** The widget iframe element. */
  iframe(): HTMLIFrameElement;
  /** Removes the iframe, the listeners and the port; pending calls reject with "disposed". */
  dispose(): void;
}

/** Creates the widget iframe in `container` and resolves to a bridge once the handshake is done. */
export declare function connect(options: ConnectOptions): Promise<Bridge>;

/** The drop-in script's global (`window.CtiBridge`). */
declare const CtiBridge: {
  /** See `connect`. */
  connect: typeof connect;
  /** The channel protocol version this script speaks. */
  version: number;
  /** This drop-in script's version. */
  scriptVersion: string;
  /** Builds a CtiBridgeError (for host code that wants the same shape). */
  CtiBridgeError: (code: CtiBridgeErrorCode, message: string, detail?: unknown) => CtiBridgeError;
  /** Sets the threshold of every bridge's logger. */
  setLogLevel(level: LogLevel): void;
  /** The current threshold. */
  getLogLevel(): LogLevel;
  /** A copy of a value safe to log: long digit runs keep their last two digits; tokens, secrets and name fields become "[redacted]". */
  redact<T>(value: T): unknown;
};
export default CtiBridge;

/** `<cti-bridge widget-url allowed-origins mode timeout-ms title>` (cti-bridge-element.js). */
export interface CtiBridgeElement extends HTMLElement {
  /** The connected bridge, or null (before the handshake, after removal). */
  readonly bridge: Bridge | null;
  /** Resolves to the bridge once connected. */
  readonly ready: Promise<Bridge> | null;
  /** `Bridge.setAgentState`; rejects with "disposed" while not connected. */
  setAgentState(state: "ready" | "notReady", reason?: string): Promise<Command>;
  /** `Bridge.setPresence`; rejects with "disposed" while not connected. */
  setPresence(state: "ready" | "notReady"): Promise<Command>;
  /** `Bridge.setMode`; rejects with "disposed" while not connected. */
  setMode(mode: Mode): Promise<{ mode: Mode }>;
  /** `Bridge.snapshot`; rejects with "disposed" while not connected. */
  snapshot(): Promise<{ snapshot: Snapshot; diagnostics: Diagnostics }>;
}

/** The DOM events a `<cti-bridge>` element raises (they bubble). */
export type CtiBridgeElementEventMap = {
  "cti-bridge:event": CustomEvent<BridgeEvent>;
  "cti-bridge:error": CustomEvent<CtiBridgeError>;
} & { [K in BridgeEvent["kind"] as `cti-bridge:${K}`]: CustomEvent<Extract<BridgeEvent, { kind: K }>> };

declare global {
  interface Window {
    CtiBridge: typeof CtiBridge;
  }
  interface HTMLElementTagNameMap {
    "cti-bridge": CtiBridgeElement;
  }
}

/** Log levels of CtiBridge.setLogLevel (default "warn"). */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** Where log records go: a function, or an object with one method per level. The console otherwise. */
export type Logger =
  | ((level: Exclude<LogLevel, "silent">, message: string, detail?: unknown) => void)
  | { debug?(message: string, detail?: unknown): void; info?(message: string, detail?: unknown): void; warn?(message: string, detail?: unknown): void; error?(message: string, detail?: unknown): void };
