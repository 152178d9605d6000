#!/usr/bin/env node
// An independent ListParticipantEvents endpoint, written from DESIGN.md's contract rules (R1-R13)
// and the AWS API page alone. It shares no code with mock/ or validators/ and uses only Node's
// standard library, so that `lpe conform` can be tried against an implementation that is not ours.
//
//   node server.mjs --data FILE [--port 0] [--host 127.0.0.1] [--auth none|sigv4
//        --access-key-id K --secret-access-key S [--session-token T]] [--region R]
//        [--token-secret TEXT] [--max-body-bytes N]
//
// Prints exactly one line `listening http://HOST:PORT` on stdout once it accepts connections and
// exits with 0 on SIGTERM or SIGINT. Usage errors and unreadable data files exit with 2.
//
// Map of this file: command line -> dataset -> strict UTF-8 + JSON parsing (R6) -> request
// members (R4, R5, R6) -> validation messages (R1, R2, R3, R7) -> pagination tokens (R10) ->
// SigV4 verification (R13) -> the HTTP server (R8, R9, R11, R12, body and time limits).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

// ---------------------------------------------------------------------------------------------
// Command line

const USAGE = `usage: node server.mjs --data FILE [--port N] [--host ADDR] [--auth none|sigv4]
       [--access-key-id K --secret-access-key S [--session-token T]] [--region NAME]
       [--token-secret TEXT] [--max-body-bytes N]
  --data FILE            dataset in the \`lpe mock --dump-data\` format (required)
  --port N               port to bind, 0 picks a free one (default 0)
  --host ADDR            address to bind (default 127.0.0.1)
  --auth none|sigv4      require SigV4-signed requests (default none)
  --access-key-id K      the key accepted with --auth sigv4 (default AWS_ACCESS_KEY_ID)
  --secret-access-key S  its secret (default AWS_SECRET_ACCESS_KEY)
  --session-token T      its session token, if any (default AWS_SESSION_TOKEN)
  --region NAME          region requests must be signed for (default AWS_REGION,
                         AWS_DEFAULT_REGION, us-east-1)
  --token-secret TEXT    key sealing pagination tokens (default: random per run)
  --max-body-bytes N     larger request bodies get 413 (default 1048576)
`;

function usageError(message) {
  process.stderr.write(`server.mjs: ${message}\n${USAGE}`);
  process.exit(2);
}

function parseCommandLine(argv) {
  const options = {
    data: null,
    port: 0,
    host: '127.0.0.1',
    auth: 'none',
    accessKeyId: null,
    secretAccessKey: null,
    sessionToken: null,
    region: null,
    tokenSecret: null,
    maxBodyBytes: 1024 * 1024,
  };
  const valued = {
    '--data': 'data',
    '--port': 'port',
    '--host': 'host',
    '--auth': 'auth',
    '--access-key-id': 'accessKeyId',
    '--secret-access-key': 'secretAccessKey',
    '--session-token': 'sessionToken',
    '--region': 'region',
    '--token-secret': 'tokenSecret',
    '--max-body-bytes': 'maxBodyBytes',
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const key = valued[arg];
    if (key === undefined) usageError(`unknown option '${arg}'`);
    if (value === undefined) {
      if (i + 1 >= argv.length) usageError(`${arg} needs a value`);
      value = argv[++i];
    }
    options[key] = value;
  }
  if (options.data === null) usageError('--data FILE is required');
  if (!/^[0-9]{1,5}$/.test(String(options.port)) || Number(options.port) > 65535) {
    usageError(`--port must be 0..65535, not '${options.port}'`);
  }
  options.port = Number(options.port);
  if (!/^[0-9]{1,10}$/.test(String(options.maxBodyBytes)) || Number(options.maxBodyBytes) < 1) {
    usageError(`--max-body-bytes must be a positive integer, not '${options.maxBodyBytes}'`);
  }
  options.maxBodyBytes = Number(options.maxBodyBytes);
  if (options.auth !== 'none' && options.auth !== 'sigv4') {
    usageError(`--auth must be none or sigv4, not '${options.auth}'`);
  }
  const env = process.env;
  options.region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  if (options.auth === 'sigv4') {
    options.accessKeyId = options.accessKeyId ?? env.AWS_ACCESS_KEY_ID ?? null;
    options.secretAccessKey = options.secretAccessKey ?? env.AWS_SECRET_ACCESS_KEY ?? null;
    options.sessionToken = options.sessionToken ?? env.AWS_SESSION_TOKEN ?? null;
    if (!options.accessKeyId || !options.secretAccessKey) {
      usageError('--auth sigv4 needs --access-key-id and --secret-access-key (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)');
    }
    if (options.sessionToken === '') options.sessionToken = null;
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Dataset: {"stages":[{"arn","sessions":[{"id","participants":[{"id","events":[...]}]}]}]}.
// Each participant's events are served exactly as stored, in the file's order.

class DataError extends Error {}

// Returns Map("arn\nsession\nparticipant" -> array of events, each already serialized to JSON).
function loadDataset(file) {
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new DataError(`${file}: cannot read: ${error.code ?? error.message}`);
  }
  let text;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new DataError(`${file}: not valid UTF-8`);
  }
  let root;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw new DataError(`${file}: not JSON: ${error.message}`);
  }
  const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
  const fail = (pointer, what) => {
    throw new DataError(`${file}: at ${pointer}: ${what}`);
  };
  const arrayAt = (object, member, pointer) => {
    if (!Array.isArray(object[member])) fail(`${pointer}/${member}`, 'must be an array');
    return object[member];
  };
  const stringAt = (object, member, pointer) => {
    if (typeof object[member] !== 'string') fail(`${pointer}/${member}`, 'must be a string');
    return object[member];
  };
  if (!isObject(root)) fail('', 'the file must hold a JSON object');
  const raw = new RawJson(text);
  const rawMember = (span, name) => raw.members(span).get(name);
  const lists = new Map();
  const stageArns = new Set();
  const stages = arrayAt(root, 'stages', '');
  const rawStages = raw.elements(rawMember(raw.root(), 'stages'));
  stages.forEach((stage, s) => {
    const stagePointer = `/stages/${s}`;
    if (!isObject(stage)) fail(stagePointer, 'must be an object');
    const arn = stringAt(stage, 'arn', stagePointer);
    if (stageArns.has(arn)) fail(`${stagePointer}/arn`, `stage '${arn}' appears twice`);
    stageArns.add(arn);
    const sessionIds = new Set();
    const sessions = arrayAt(stage, 'sessions', stagePointer);
    const rawSessions = raw.elements(rawMember(rawStages[s], 'sessions'));
    sessions.forEach((session, k) => {
      const sessionPointer = `${stagePointer}/sessions/${k}`;
      if (!isObject(session)) fail(sessionPointer, 'must be an object');
      const sessionId = stringAt(session, 'id', sessionPointer);
      if (sessionIds.has(sessionId)) fail(`${sessionPointer}/id`, `session '${sessionId}' appears twice`);
      sessionIds.add(sessionId);
      const participants = arrayAt(session, 'participants', sessionPointer);
      const rawParticipants = raw.elements(rawMember(rawSessions[k], 'participants'));
      participants.forEach((participant, p) => {
        const participantPointer = `${sessionPointer}/participants/${p}`;
        if (!isObject(participant)) fail(participantPointer, 'must be an object');
        const participantId = stringAt(participant, 'id', participantPointer);
        const key = listKey(arn, sessionId, participantId);
        if (lists.has(key)) fail(`${participantPointer}/id`, `participant '${participantId}' appears twice`);
        const events = arrayAt(participant, 'events', participantPointer);
        const rawEvents = raw.elements(rawMember(rawParticipants[p], 'events'));
        const served = events.map((event, e) => {
          if (!isObject(event)) fail(`${participantPointer}/events/${e}`, 'must be an object');
          return raw.text(rawEvents[e]); // the event's own bytes: numbers keep their spelling
        });
        lists.set(key, served);
      });
    });
  });
  return lists;
}

// Spans [start, end) of values inside a JSON text that JSON.parse has already accepted, so that
// events are served with their bytes as stored (JSON.parse + JSON.stringify would rewrite `1.0`
// as `1`). Duplicate member names: the last wins, as in JSON.parse. No recursion.
class RawJson {
  constructor(text) {
    this.source = text;
  }
  text([start, end]) {
    return this.source.slice(start, end);
  }
  skipWhitespace(i) {
    while (i < this.source.length && ' \t\n\r'.includes(this.source[i])) i++;
    return i;
  }
  // End of the string starting at i (a quote).
  stringEnd(i) {
    for (i++; this.source[i] !== '"'; i++) if (this.source[i] === '\\') i++;
    return i + 1;
  }
  // End of the value starting at i.
  valueEnd(i) {
    const c = this.source[i];
    if (c === '"') return this.stringEnd(i);
    if (c !== '{' && c !== '[') {
      while (i < this.source.length && !',]} \t\n\r'.includes(this.source[i])) i++;
      return i;
    }
    let depth = 0;
    for (;;) {
      const d = this.source[i];
      if (d === '"') {
        i = this.stringEnd(i);
        continue;
      }
      if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') depth--;
      i++;
      if (depth === 0) return i;
    }
  }
  root() {
    const start = this.skipWhitespace(0);
    return [start, this.valueEnd(start)];
  }
  // Map(name -> span) of an object's members.
  members([start]) {
    const out = new Map();
    let i = this.skipWhitespace(start + 1);
    while (this.source[i] === '"') {
      const nameEnd = this.stringEnd(i);
      const name = JSON.parse(this.source.slice(i, nameEnd));
      const valueStart = this.skipWhitespace(this.skipWhitespace(nameEnd) + 1);
      const valueEnd = this.valueEnd(valueStart);
      out.delete(name);
      out.set(name, [valueStart, valueEnd]);
      i = this.skipWhitespace(valueEnd);
      if (this.source[i] === ',') i = this.skipWhitespace(i + 1);
    }
    return out;
  }
  // Spans of an array's elements.
  elements([start]) {
    const out = [];
    let i = this.skipWhitespace(start + 1);
    while (this.source[i] !== ']') {
      const end = this.valueEnd(i);
      out.push([i, end]);
      i = this.skipWhitespace(end);
      if (this.source[i] === ',') i = this.skipWhitespace(i + 1);
    }
    return out;
  }
}

function listKey(stageArn, sessionId, participantId) {
  // None of the three can hold a newline once validated (R1), so the key is unambiguous.
  return `${stageArn}\n${sessionId}\n${participantId}`;
}

// ---------------------------------------------------------------------------------------------
// R6: strict UTF-8 and a strict RFC 8259 parser. JSON.parse cannot say whether a number was
// written `1`, `1.0` or `1e2`, so the request body gets its own parser. It keeps the top-level
// members (the last of duplicate keys wins, R5) and only checks the syntax of anything nested,
// with an explicit stack: nesting depth is bounded only by the body size limit.

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class JsonSyntaxError extends Error {}

const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const ESCAPES = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

// Parses one JSON text. Returns the top value as {type: 'object', members: Map(name -> value)},
// {type: 'array'}, {type: 'string', value}, {type: 'number', raw, integer}, {type: 'boolean'}
// or {type: 'null'}; values nested inside members are checked but not kept.
function parseJson(text) {
  const n = text.length;
  let i = 0;

  const fail = (what) => {
    throw new JsonSyntaxError(`${what} at offset ${i}`);
  };
  const skipWhitespace = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      i++;
    }
  };
  const readString = () => {
    i++; // opening quote
    let out = '';
    let start = i;
    for (;;) {
      if (i >= n) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c === 0x5c) {
        out += text.slice(start, i);
        i++;
        if (i >= n) fail('unterminated escape');
        const e = text[i];
        if (e === 'u') {
          const hex = text.slice(i + 1, i + 5);
          if (!HEX4.test(hex)) fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 5;
        } else if (Object.hasOwn(ESCAPES, e)) {
          out += ESCAPES[e];
          i++;
        } else {
          fail('bad escape');
        }
        start = i;
        continue;
      }
      if (c < 0x20) fail('unescaped control character in string');
      i++;
    }
  };
  const OPENED = Symbol('opened');
  const stack = [];
  // Reads a scalar, or opens a container (pushed on the stack) and returns OPENED.
  const readValue = (keepMembers) => {
    skipWhitespace();
    if (i >= n) fail('unexpected end of input');
    const c = text[i];
    if (c === '{') {
      i++;
      stack.push({ type: 'object', members: keepMembers ? new Map() : null, state: 'start' });
      return OPENED;
    }
    if (c === '[') {
      i++;
      stack.push({ type: 'array', state: 'start' });
      return OPENED;
    }
    if (c === '"') return { type: 'string', value: readString() };
    if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(text);
      if (match === null) fail('bad number');
      i = NUMBER.lastIndex;
      return { type: 'number', raw: match[0], integer: match[1] === undefined && match[2] === undefined };
    }
    if (text.startsWith('true', i)) {
      i += 4;
      return { type: 'boolean' };
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return { type: 'boolean' };
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return { type: 'null' };
    }
    fail('unexpected character');
  };
  // Reads `"key": value` inside an object frame.
  const readMember = (frame) => {
    skipWhitespace();
    if (text[i] !== '"') fail('expected a member name');
    const name = readString();
    skipWhitespace();
    if (text[i] !== ':') fail("expected ':'");
    i++;
    const value = readValue(false);
    if (frame.members !== null) {
      const kept = value === OPENED ? { type: stack[stack.length - 1].type } : value;
      frame.members.delete(name); // a re-inserted key takes the last position, as if first seen now
      frame.members.set(name, kept);
    }
    frame.state = 'after';
  };

  const first = readValue(true);
  const top = first === OPENED ? stack[0] : first;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    skipWhitespace();
    if (i >= n) fail('unexpected end of input');
    const c = text[i];
    if (frame.type === 'object') {
      if (c === '}') {
        i++;
        stack.pop();
      } else if (frame.state === 'start') {
        readMember(frame);
      } else if (c === ',') {
        i++;
        readMember(frame);
      } else {
        fail("expected ',' or '}'");
      }
    } else if (c === ']') {
      i++;
      stack.pop();
    } else if (frame.state === 'start') {
      frame.state = 'after';
      readValue(false);
    } else if (c === ',') {
      i++;
      readValue(false);
    } else {
      fail("expected ',' or ']'");
    }
  }
  skipWhitespace();
  if (i < n) fail('unexpected text after the JSON value');
  return top.type === 'object' ? { type: 'object', members: top.members } : top;
}

function hasLoneSurrogate(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d < 0xdc00 || d > 0xdfff) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// The operation's input (AWS model order, which is also the order of R7 messages).

const STRING_MEMBERS = [
  { name: 'stageArn', required: true, min: 1, max: 128, pattern: '^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$' },
  { name: 'sessionId', required: true, min: 16, max: 16, pattern: '^st-[a-zA-Z0-9]+$' },
  { name: 'participantId', required: true, min: 0, max: 64, pattern: '^[a-zA-Z0-9-]*$' },
  { name: 'nextToken', required: false, min: 0, max: 1024, pattern: '^[a-zA-Z0-9+/=_-]*$' },
];
for (const member of STRING_MEMBERS) member.regex = new RegExp(member.pattern);
const MAX_RESULTS = { name: 'maxResults', min: 1, max: 100 };
const DEFAULT_PAGE_SIZE = 50; // R3: the API page's "Default: 50"
const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

export class RequestError extends Error {
  constructor(status, type, message) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

const serializationError = (message) => new RequestError(400, 'SerializationException', message);

// Bytes -> {stageArn, sessionId, participantId, nextToken, maxResults} (absent or null -> null),
// or throws a RequestError for R6 (serialization) and R7 (validation).
function readInput(body) {
  let document;
  if (body.length === 0) {
    document = { type: 'object', members: new Map() }; // R6: an empty body is {}
  } else {
    let text;
    try {
      text = strictUtf8.decode(body);
    } catch {
      throw serializationError('Request body is not valid UTF-8');
    }
    try {
      document = parseJson(text);
    } catch (error) {
      if (error instanceof JsonSyntaxError) throw serializationError(`Request body is not valid JSON: ${error.message}`);
      throw error;
    }
  }
  if (document.type !== 'object') throw serializationError('Request body must be a JSON object');
  const input = {};
  for (const member of STRING_MEMBERS) {
    const value = document.members.get(member.name);
    if (value === undefined || value.type === 'null') {
      input[member.name] = null; // R4: null is absent
    } else if (value.type !== 'string') {
      throw serializationError(`Member '${member.name}' must be a JSON string, not a JSON ${value.type}`);
    } else if (hasLoneSurrogate(value.value)) {
      throw serializationError(`Member '${member.name}' holds an unpaired UTF-16 surrogate escape`);
    } else {
      input[member.name] = value.value;
    }
  }
  const maxResults = document.members.get(MAX_RESULTS.name);
  if (maxResults === undefined || maxResults.type === 'null') {
    input.maxResults = null;
  } else if (maxResults.type !== 'number' || !maxResults.integer) {
    throw serializationError(`Member 'maxResults' must be a JSON integer without fraction or exponent`);
  } else {
    const value = BigInt(maxResults.raw);
    if (value < INT32_MIN || value > INT32_MAX) {
      throw serializationError(`Member 'maxResults' is outside the 32-bit signed integer range`);
    }
    input.maxResults = Number(value);
  }
  const violations = validate(input);
  if (violations.length > 0) {
    const count = violations.length === 1 ? '1 validation error' : `${violations.length} validation errors`;
    throw new RequestError(400, 'ValidationException', `${count} detected: ${violations.join('; ')}`);
  }
  return input;
}

// R2: lengths in code points.
function codePointLength(s) {
  let length = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    length++;
  }
  return length;
}

// R7: values longer than 256 characters are cut and marked with `...`.
const MESSAGE_VALUE_LIMIT = 256;
function messageValue(s) {
  if (codePointLength(s) <= MESSAGE_VALUE_LIMIT) return s;
  return Array.from(s).slice(0, MESSAGE_VALUE_LIMIT).join('') + '...';
}

// R1, R2, R3, R4, R7: every violation, members in model order; within a member length, then
// pattern, then range.
function validate(input) {
  const violations = [];
  const violation = (value, name, constraint) =>
    violations.push(`Value ${value} at '${name}' failed to satisfy constraint: Member must ${constraint}`);
  for (const member of STRING_MEMBERS) {
    const value = input[member.name];
    if (value === null) {
      if (member.required) violation('null', member.name, 'not be null');
      continue;
    }
    const shown = `'${messageValue(value)}'`;
    const length = codePointLength(value);
    if (length < member.min) violation(shown, member.name, `have length greater than or equal to ${member.min}`);
    if (length > member.max) violation(shown, member.name, `have length less than or equal to ${member.max}`);
    if (!member.regex.test(value)) violation(shown, member.name, `satisfy regular expression pattern: ${member.pattern}`);
  }
  const maxResults = input.maxResults;
  if (maxResults !== null) {
    if (maxResults < MAX_RESULTS.min) violation(`'${maxResults}'`, 'maxResults', `have value greater than or equal to ${MAX_RESULTS.min}`);
    if (maxResults > MAX_RESULTS.max) violation(`'${maxResults}'`, 'maxResults', `have value less than or equal to ${MAX_RESULTS.max}`);
  }
  return violations;
}

// ---------------------------------------------------------------------------------------------
// R10: pagination tokens. A token is base64url (no padding) of 21 bytes: version 1, the offset of
// the page's first event (uint32 big-endian) and the first 16 bytes of an HMAC-SHA256, under the
// run's secret, of the version, the offset and the (stageArn, sessionId, participantId) it was
// issued for. 28 characters of [A-Za-z0-9_-]; a token used with another list fails the HMAC.

const TOKEN_VERSION = 1;
const TOKEN_BYTES = 21;
const TOKEN_TEXT = /^[A-Za-z0-9_-]{28}$/;

function tokenMac(secret, input, offset) {
  const mac = crypto.createHmac('sha256', secret);
  mac.update(`lpe-independent-endpoint page token v${TOKEN_VERSION}\0${offset}\0`);
  mac.update(`${input.stageArn}\0${input.sessionId}\0${input.participantId}`);
  return mac.digest().subarray(0, 16);
}

function issueToken(secret, input, offset) {
  const bytes = Buffer.alloc(TOKEN_BYTES);
  bytes[0] = TOKEN_VERSION;
  bytes.writeUInt32BE(offset, 1);
  tokenMac(secret, input, offset).copy(bytes, 5);
  return bytes.toString('base64url');
}

// Returns the offset the token points at, or throws a 400 ValidationException.
function readToken(secret, input) {
  const token = input.nextToken;
  if (token === null || token === '') return 0; // an empty token is the first page
  const invalid = () =>
    new RequestError(400, 'ValidationException', 'The provided nextToken is not valid for this request');
  if (!TOKEN_TEXT.test(token)) throw invalid();
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== TOKEN_BYTES || bytes.toString('base64url') !== token || bytes[0] !== TOKEN_VERSION) {
    throw invalid();
  }
  const offset = bytes.readUInt32BE(1);
  if (!crypto.timingSafeEqual(bytes.subarray(5), tokenMac(secret, input, offset))) throw invalid();
  return offset;
}

// R9, R10, R11: the page's JSON text.
function pageBody(dataset, secret, input) {
  const offset = readToken(secret, input);
  const events = dataset.get(listKey(input.stageArn, input.sessionId, input.participantId)) ?? [];
  const size = input.maxResults ?? DEFAULT_PAGE_SIZE;
  const end = Math.min(events.length, offset + size);
  const page = offset < events.length ? events.slice(offset, end) : [];
  let body = `{"events":[${page.join(',')}]`;
  if (end < events.length) body += `,"nextToken":${JSON.stringify(issueToken(secret, input, end))}`;
  return `${body}}`;
}

// ---------------------------------------------------------------------------------------------
// R13: SigV4 verification (AWS4-HMAC-SHA256, service `ivs`, the configured region).

const SIGV4_SERVICE = 'ivs'; // the service's signing name
const SIGV4_WINDOW_MS = 15 * 60 * 1000;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

const authError = (type, message) => new RequestError(403, type, message);

// All values of a header (lowercase name) in arrival order.
function headerValues(req, name) {
  const values = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() === name) values.push(req.rawHeaders[i + 1]);
  }
  return values;
}

// RFC 3986 percent-encoding of everything but unreserved characters (and '/' when asked).
function uriEncode(s, keepSlash) {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function percentDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function canonicalQuery(query) {
  if (query === '') return '';
  const pairs = query
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      const value = eq < 0 ? '' : part.slice(eq + 1);
      return [uriEncode(percentDecode(name), false), uriEncode(percentDecode(value), false)];
    });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

function sha256Hex(data) {
  return crypto.createHash('sha256').update(data).digest('hex');
}

function hmac(key, data) {
  return crypto.createHmac('sha256', key).update(data, 'utf8').digest();
}

// Parses `YYYYMMDDThhmmssZ` to milliseconds since the epoch, or null.
function parseAmzDate(text) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (
    check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day ||
    check.getUTCHours() !== hour || check.getUTCMinutes() !== minute || check.getUTCSeconds() !== second
  ) {
    return null;
  }
  return ms;
}

// Returns nothing when the request is signed by the configured key; throws a 403 RequestError.
// `req` needs method, url and rawHeaders; `now` is milliseconds since the epoch.
export function verifySigV4(req, body, options, now, service = SIGV4_SERVICE) {
  const authorizations = headerValues(req, 'authorization');
  if (authorizations.length === 0) {
    throw authError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const incomplete = (why) => authError('IncompleteSignatureException', `Authorization header is malformed: ${why}`);
  if (authorizations.length > 1) throw incomplete('more than one Authorization header');
  const authorization = authorizations[0].trim();
  const scheme = 'AWS4-HMAC-SHA256 ';
  if (!authorization.startsWith(scheme)) throw incomplete('the algorithm must be AWS4-HMAC-SHA256');
  const parts = {};
  for (const part of authorization.slice(scheme.length).split(',')) {
    const text = part.trim();
    const eq = text.indexOf('=');
    if (eq <= 0) throw incomplete(`'${text.slice(0, 40)}' is not Name=Value`);
    const name = text.slice(0, eq);
    if (!['Credential', 'SignedHeaders', 'Signature'].includes(name)) throw incomplete(`unknown part '${name.slice(0, 40)}'`);
    if (Object.hasOwn(parts, name)) throw incomplete(`'${name}' appears twice`);
    parts[name] = text.slice(eq + 1);
  }
  for (const name of ['Credential', 'SignedHeaders', 'Signature']) {
    if (!Object.hasOwn(parts, name)) throw incomplete(`'${name}' is missing`);
  }
  const scope = parts.Credential.split('/');
  if (scope.length !== 5 || scope[0] === '' || !/^\d{8}$/.test(scope[1]) || scope[2] === '' || scope[3] === '' ||
      scope[4] !== 'aws4_request') {
    throw incomplete('Credential must be KEY/YYYYMMDD/REGION/SERVICE/aws4_request');
  }
  const [accessKeyId, scopeDate, scopeRegion, scopeService] = scope;
  const signedHeaders = parts.SignedHeaders.split(';');
  if (!signedHeaders.every((name) => HEADER_NAME.test(name))) {
    throw incomplete('SignedHeaders must be lowercase header names separated by ;');
  }
  if (!signedHeaders.includes('host')) throw incomplete("SignedHeaders must include 'host'");
  if (!/^[0-9a-f]{64}$/.test(parts.Signature)) throw incomplete('Signature must be 64 lowercase hex digits');
  const amzDates = headerValues(req, 'x-amz-date');
  if (amzDates.length !== 1) throw incomplete('the request needs exactly one X-Amz-Date header');
  const amzDate = amzDates[0].trim();
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === null) throw incomplete('X-Amz-Date must be YYYYMMDDThhmmssZ');

  const invalidClient = () =>
    authError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (accessKeyId !== options.accessKeyId) throw invalidClient();
  const sessionTokens = headerValues(req, 'x-amz-security-token');
  if (options.sessionToken === null ? sessionTokens.length !== 0
      : sessionTokens.length !== 1 || sessionTokens[0].trim() !== options.sessionToken) {
    throw invalidClient();
  }

  const invalid = (why) => authError('InvalidSignatureException', why);
  if (sessionTokens.length !== 0 && !signedHeaders.includes('x-amz-security-token')) {
    throw invalid('x-amz-security-token must be a signed header');
  }
  if (!signedHeaders.includes('x-amz-date')) throw invalid('x-amz-date must be a signed header');
  if (scopeDate !== amzDate.slice(0, 8)) throw invalid('Credential date does not match X-Amz-Date');
  if (scopeRegion !== options.region) throw invalid(`Credential should be scoped to region '${options.region}'`);
  if (scopeService !== service) throw invalid(`Credential should be scoped to service '${service}'`);
  if (Math.abs(now - signedAt) > SIGV4_WINDOW_MS) {
    throw invalid('Signature expired or not yet valid: X-Amz-Date is more than 15 minutes from the server time');
  }
  let canonicalHeaders = '';
  for (const name of signedHeaders) {
    const values = headerValues(req, name);
    if (values.length === 0) throw invalid(`signed header '${name}' is not in the request`);
    canonicalHeaders += `${name}:${values.map((v) => v.trim().replace(/ +/g, ' ')).join(',')}\n`;
  }
  const target = req.url;
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q + 1);
  const canonicalRequest = [
    req.method,
    uriEncode(path, true),
    canonicalQuery(query),
    canonicalHeaders,
    parts.SignedHeaders,
    sha256Hex(body),
  ].join('\n');
  const credentialScope = `${scopeDate}/${scopeRegion}/${scopeService}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${credentialScope}\n${sha256Hex(canonicalRequest)}`;
  let key = hmac(`AWS4${options.secretAccessKey}`, scopeDate);
  key = hmac(key, scopeRegion);
  key = hmac(key, scopeService);
  key = hmac(key, 'aws4_request');
  const expected = Buffer.from(hmac(key, stringToSign).toString('hex'), 'latin1');
  const given = Buffer.from(parts.Signature, 'latin1');
  if (!crypto.timingSafeEqual(expected, given)) {
    throw invalid('The request signature we calculated does not match the signature you provided.');
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP

const OPERATION_PATH = '/ListParticipantEvents';
let shuttingDown = false;

// R8: every error is {"exceptionMessage": ...} with the type in x-amzn-ErrorType.
function sendError(res, status, type, message, extraHeaders = {}) {
  const body = Buffer.from(JSON.stringify({ exceptionMessage: message }), 'utf8');
  send(res, status, body, { 'x-amzn-ErrorType': type, ...extraHeaders });
}

function send(res, status, body, headers = {}) {
  if (res.headersSent || res.destroyed) return;
  const closing = shuttingDown || headers.Connection === 'close';
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': body.length,
    'x-amzn-RequestId': crypto.randomUUID(),
    ...headers,
    ...(closing ? { Connection: 'close' } : {}),
  });
  res.end(body);
}

// R12: `application/json`, parameters allowed, case-insensitive.
function isJsonMediaType(contentType) {
  if (typeof contentType !== 'string') return false;
  return contentType.split(';')[0].trim().toLowerCase() === 'application/json';
}

function handleRequest(options, dataset, tokenSecret, req, res, expectsContinue) {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  if (path !== OPERATION_PATH) {
    sendError(res, 404, 'UnknownOperationException', `No operation at ${path.slice(0, 200)}`);
    return;
  }
  if (req.method !== 'POST') {
    sendError(res, 405, 'MethodNotAllowedException', `${req.method} is not allowed; use POST`, { Allow: 'POST' });
    return;
  }
  const tooLarge = () =>
    sendError(res, 413, 'RequestEntityTooLargeException',
      `Request body is larger than ${options.maxBodyBytes} bytes`, { Connection: 'close' });
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > options.maxBodyBytes) {
    tooLarge();
    return;
  }
  if (expectsContinue) res.writeContinue();
  const chunks = [];
  let size = 0;
  let refused = false;
  req.on('data', (chunk) => {
    if (refused) return;
    size += chunk.length;
    if (size > options.maxBodyBytes) {
      refused = true;
      chunks.length = 0;
      tooLarge();
      return;
    }
    chunks.push(chunk);
  });
  req.on('error', () => {}); // the client went away; nothing to answer
  req.on('end', () => {
    if (refused) return;
    const body = Buffer.concat(chunks, size);
    try {
      if (options.auth === 'sigv4') verifySigV4(req, body, options, Date.now());
      if (body.length > 0 && !isJsonMediaType(req.headers['content-type'])) {
        throw new RequestError(415, 'UnsupportedMediaTypeException',
          'A request body must be sent with Content-Type: application/json');
      }
      const input = readInput(body);
      send(res, 200, Buffer.from(pageBody(dataset, tokenSecret, input), 'utf8'));
    } catch (error) {
      if (error instanceof RequestError) {
        sendError(res, error.status, error.type, error.message);
      } else {
        process.stderr.write(`server.mjs: internal error: ${error?.stack ?? error}\n`);
        sendError(res, 500, 'InternalServerException', 'Internal server error');
      }
    }
  });
}

// Malformed HTTP (bad framing, oversized headers): answer in the R8 form, then close.
function answerClientError(error, socket) {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  let status = 400;
  let reason = 'Bad Request';
  let type = 'BadRequestException';
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    [status, reason, type] = [431, 'Request Header Fields Too Large', 'RequestHeaderFieldsTooLargeException'];
  } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    [status, reason, type] = [408, 'Request Timeout', 'RequestTimeoutException'];
  }
  const body = JSON.stringify({ exceptionMessage: `${reason}` });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nx-amzn-ErrorType: ${type}\r\n` +
      `x-amzn-RequestId: ${crypto.randomUUID()}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}

function main() {
  const options = parseCommandLine(process.argv.slice(2));
  let dataset;
  try {
    dataset = loadDataset(options.data);
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    process.stderr.write(`server.mjs: ${error.message}\n`);
    process.exit(2);
  }
  const tokenSecret = options.tokenSecret !== null ? Buffer.from(options.tokenSecret, 'utf8') : crypto.randomBytes(32);

  const server = http.createServer({
    requestTimeout: 30_000,
    headersTimeout: 10_000,
    keepAliveTimeout: 5_000,
    maxHeaderSize: 16 * 1024,
  });
  server.maxHeadersCount = 0; // never drop headers silently (SigV4 needs them all); maxHeaderSize bounds them
  server.on('request', (req, res) => handleRequest(options, dataset, tokenSecret, req, res, false));
  server.on('checkContinue', (req, res) => handleRequest(options, dataset, tokenSecret, req, res, true));
  server.on('clientError', answerClientError);
  server.on('error', (error) => {
    process.stderr.write(`server.mjs: cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}\n`);
    process.exit(2);
  });

  const stop = () => {
    if (shuttingDown) return;
    shuttingDown = true;
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  server.listen(options.port, options.host, () => {
    const address = server.address();
    if (!/^(127\.|::1$|::ffff:127\.)/.test(address.address)) {
      process.stderr.write(`server.mjs: warning: ${address.address} may be reachable from other machines (no TLS)\n`);
    }
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    process.stdout.write(`listening http://${host}:${address.port}\n`);
  });
}

// Runs as a program; a test may import the module for verifySigV4 alone.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
