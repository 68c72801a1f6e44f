/**
 * The Jupyter messaging protocol, version 5.3, as typed messages: one interface per
 * message kind, named and shaped as the specification defines them
 * (https://jupyter-client.readthedocs.io/en/latest/messaging.html). The kernel
 * (src/kernel) and its clients (the headless runner and the grader) both speak
 * through these types.
 */

export const PROTOCOL_VERSION = '5.3';

export interface Header<T extends string = string> {
  msg_id: string;
  session: string;
  username: string;
  /** ISO 8601. */
  date: string;
  msg_type: T;
  version: string;
}

/** A MIME bundle: MIME type to data (text, base64 for binary types, or JSON). */
export type MimeBundle = Record<string, unknown>;

export type JsonObject = Record<string, unknown>;

// Shell and control requests, and their replies. ----------------------------------

export type KernelInfoRequest = Record<string, never>;
export interface LanguageInfo {
  name: string;
  version: string;
  mimetype: string;
  file_extension: string;
  pygments_lexer?: string;
  codemirror_mode?: string | JsonObject;
  nbconvert_exporter?: string;
}
export interface HelpLink {
  text: string;
  url: string;
}
export interface KernelInfoReply {
  status: 'ok';
  protocol_version: string;
  implementation: string;
  implementation_version: string;
  language_info: LanguageInfo;
  banner: string;
  debugger: boolean;
  help_links: HelpLink[];
}

export interface ExecuteRequest {
  code: string;
  silent: boolean;
  store_history: boolean;
  user_expressions: JsonObject;
  allow_stdin: boolean;
  stop_on_error: boolean;
}
export interface ExecuteReplyOk {
  status: 'ok';
  execution_count: number;
  payload: JsonObject[];
  user_expressions: JsonObject;
}
export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}
export interface ExecuteReplyError extends ErrorContent {
  status: 'error';
  execution_count: number;
}
/** A request that was not run because an earlier one failed (stop_on_error). */
export interface ExecuteReplyAborted {
  status: 'aborted';
  execution_count: number | null;
}
export type ExecuteReply = ExecuteReplyOk | ExecuteReplyError | ExecuteReplyAborted;

export interface CompleteRequest {
  code: string;
  /** In Unicode code points (not UTF-16 units), as protocol 5.2+ says. */
  cursor_pos: number;
}
export interface CompleteReply {
  status: 'ok';
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata: JsonObject;
}

export interface InspectRequest {
  code: string;
  cursor_pos: number;
  detail_level: 0 | 1;
}
export interface InspectReply {
  status: 'ok';
  found: boolean;
  data: MimeBundle;
  metadata: JsonObject;
}

export interface IsCompleteRequest {
  code: string;
}
export type IsCompleteReply =
  | { status: 'complete' }
  | { status: 'incomplete'; indent: string }
  | { status: 'invalid' }
  | { status: 'unknown' };

export interface HistoryRequest {
  output: boolean;
  raw: boolean;
  hist_access_type: 'range' | 'tail' | 'search';
  session?: number;
  start?: number;
  stop?: number;
  n?: number;
  pattern?: string;
  unique?: boolean;
}
/** [session, line number, input] or, when output was asked for, [session, line, [input, output]]. */
export type HistoryEntry = [number, number, string] | [number, number, [string, string | null]];
export interface HistoryReply {
  status: 'ok';
  history: HistoryEntry[];
}

export interface CommInfoRequest {
  target_name?: string;
}
export interface CommInfoReply {
  status: 'ok';
  comms: Record<string, { target_name: string }>;
}
export interface CommOpen {
  comm_id: string;
  target_name: string;
  data: JsonObject;
}
export interface CommMsg {
  comm_id: string;
  data: JsonObject;
}
export interface CommClose {
  comm_id: string;
  data: JsonObject;
}

export interface ShutdownRequest {
  restart: boolean;
}
export interface ShutdownReply {
  status: 'ok';
  restart: boolean;
}
export type InterruptRequest = Record<string, never>;
export interface InterruptReply {
  status: 'ok';
}

// IOPub. -----------------------------------------------------------------------------

export interface Status {
  execution_state: 'busy' | 'idle' | 'starting';
}
export interface ExecuteInput {
  code: string;
  execution_count: number;
}
export interface Stream {
  name: 'stdout' | 'stderr';
  text: string;
}
export interface DisplayData {
  data: MimeBundle;
  metadata: JsonObject;
  transient: { display_id?: string };
}
export type UpdateDisplayData = DisplayData;
export interface ExecuteResult {
  execution_count: number;
  data: MimeBundle;
  metadata: JsonObject;
  transient?: { display_id?: string };
}
export type ErrorOutput = ErrorContent;
export interface ClearOutput {
  wait: boolean;
}

/** Every message kind with its content type. */
export interface MessageContents {
  kernel_info_request: KernelInfoRequest;
  kernel_info_reply: KernelInfoReply;
  execute_request: ExecuteRequest;
  execute_reply: ExecuteReply;
  complete_request: CompleteRequest;
  complete_reply: CompleteReply;
  inspect_request: InspectRequest;
  inspect_reply: InspectReply;
  is_complete_request: IsCompleteRequest;
  is_complete_reply: IsCompleteReply;
  history_request: HistoryRequest;
  history_reply: HistoryReply;
  comm_info_request: CommInfoRequest;
  comm_info_reply: CommInfoReply;
  comm_open: CommOpen;
  comm_msg: CommMsg;
  comm_close: CommClose;
  shutdown_request: ShutdownRequest;
  shutdown_reply: ShutdownReply;
  interrupt_request: InterruptRequest;
  interrupt_reply: InterruptReply;
  status: Status;
  execute_input: ExecuteInput;
  stream: Stream;
  display_data: DisplayData;
  update_display_data: UpdateDisplayData;
  execute_result: ExecuteResult;
  error: ErrorOutput;
  clear_output: ClearOutput;
}

export type MessageType = keyof MessageContents;

/** A message of a known kind. */
export interface Message<T extends MessageType = MessageType> {
  header: Header<T>;
  parent_header: Partial<Header>;
  metadata: JsonObject;
  content: MessageContents[T];
}

/** A message as received: its kind is not yet checked (it may be one this code does not know). */
export interface RawMessage {
  header: Header;
  parent_header: Partial<Header>;
  metadata: JsonObject;
  content: JsonObject;
}

/** Set in an execute_reply's (and the note's) message metadata when the kernel cut the cell's output at a limit. */
export const OUTPUT_TRUNCATED = 'downhill_output_truncated';

/** Narrows a received message to a kind. */
export function isMessage<T extends MessageType>(m: RawMessage, type: T): m is RawMessage & Message<T> {
  return m.header.msg_type === type;
}
