// Interop: the official AWS SDK for JavaScript v3 (@aws-sdk/client-ivs-realtime) against
// `lpe mock`. Run by ctest (tests/CMakeLists.txt) after `npm ci`; by hand:
//   LPE_BINARY=build/bin/lpe node --test tests/interop/interop.test.mjs   (after npm ci there)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

import {
  IVSRealTimeClient,
  ListParticipantEventsCommand,
  ValidationException,
  paginateListParticipantEvents,
} from '@aws-sdk/client-ivs-realtime';

const LPE = process.env.LPE_BINARY ?? new URL('../../build/bin/lpe', import.meta.url).pathname;
const REGION = 'us-west-2';
const AKID = 'AKIDINTEROPTEST0001';
const SECRET = 'interop/Secret+Key/0123456789abcdefEXAMPLE';
const TEMP_AKID = 'ASIAINTEROPTEST0002';
const TEMP_SECRET = 'temporary/Secret+Key/0123456789abcdefEXAMPLE';
const TEMP_TOKEN = 'IQoJb3JpZ2luX2VjEJr//////////interop+session/token==';

// Starts `lpe mock --port 0 ...args`, resolves with {url, child} once it prints its first line.
async function startMock(args = []) {
  const child = spawn(LPE, ['mock', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const [first] = await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`lpe mock exited with ${code} before listening`);
    }),
  ]);
  const match = /^listening (http:\/\/127\.0\.0\.1:\d+)$/.exec(first);
  assert.ok(match, `unexpected first line: ${first}`);
  return { url: match[1], child };
}

async function stopMock(mock) {
  if (mock.child.exitCode !== null) return;
  const exited = once(mock.child, 'exit');
  mock.child.kill('SIGTERM');
  const [code, signal] = await exited;
  assert.equal(code, 0, `lpe mock exited with ${code ?? signal} on SIGTERM`);
}

function client(url, credentials = { accessKeyId: 'AKIDANY', secretAccessKey: 'any' }, extra = {}) {
  return new IVSRealTimeClient({ endpoint: url, region: REGION, credentials, ...extra });
}

// The timestamp members, as the SDK parses them (Date objects) and the dump writes them (RFC 3339).
const TIME_MEMBERS = new Set(['eventTime', 'expirationTime']);

// A value as the SDK returns it and as the dump writes it, in one form: timestamps as ISO
// strings (nested ones too), undefined members dropped.
function normalize(value, key = '') {
  if (TIME_MEMBERS.has(key)) return new Date(value).toISOString();
  if (Array.isArray(value)) return value.map((v) => normalize(v));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k] = normalize(v, k);
  }
  return out;
}

// Every list of the dataset: [{stageArn, sessionId, participantId, events}].
function datasetLists() {
  const dump = JSON.parse(execFileSync(LPE, ['mock', '--dump-data'], { maxBuffer: 64 << 20 }));
  const lists = [];
  for (const stage of dump.stages) {
    for (const session of stage.sessions) {
      for (const participant of session.participants) {
        lists.push({
          stageArn: stage.arn,
          sessionId: session.id,
          participantId: participant.id,
          events: participant.events,
        });
      }
    }
  }
  return lists;
}

async function collect(c, list, pageSize) {
  const input = { stageArn: list.stageArn, sessionId: list.sessionId, participantId: list.participantId };
  const events = [];
  let pages = 0;
  for await (const page of paginateListParticipantEvents({ client: c, pageSize }, input)) {
    pages += 1;
    if (pageSize !== undefined) assert.ok(page.events.length <= pageSize);
    events.push(...page.events);
    assert.ok(pages <= 10000, 'paging does not end');
  }
  return { events, pages };
}

describe('AWS SDK for JavaScript v3 against lpe mock', () => {
  let open;
  let lists;
  before(async () => {
    lists = datasetLists();
    open = await startMock();
  });
  after(async () => stopMock(open));

  test('paginateListParticipantEvents returns exactly the dataset for several page sizes', async () => {
    const c = client(open.url);
    const sizes = [undefined, 1, 7, 50, 100];
    for (const list of lists) {
      for (const pageSize of sizes) {
        if (pageSize === 1 && list.events.length > 300) continue;  // keep the run short
        const { events, pages } = await collect(c, list, pageSize);
        assert.deepEqual(events.map((e) => normalize(e)), list.events.map((e) => normalize(e)),
          `${list.participantId} with page size ${pageSize}`);
        const per = pageSize ?? 50;
        assert.equal(pages, Math.max(1, Math.ceil(list.events.length / per)),
          `${list.participantId} with page size ${pageSize}: page count`);
      }
    }
  });

  test('the SDK reads every Event member back: destinations, replica, both tokens', async () => {
    const c = client(open.url);
    const seen = { replication: 0, exchange: 0, replicaTrue: 0, replicaFalse: 0 };
    for (const list of lists.filter((l) => l.events.length > 0 && l.events.length <= 250)) {
      const { events } = await collect(c, list, 100);
      assert.equal(events.length, list.events.length);
      events.forEach((got, i) => {
        const want = list.events[i];
        const where = `${list.participantId} event ${i}`;
        assert.equal(got.participantId, list.participantId, where);
        assert.equal(got.destinationStageArn, want.destinationStageArn, where);
        assert.equal(got.destinationSessionId, want.destinationSessionId, where);
        assert.equal(got.replica, want.replica, where);
        if (got.replica === true) seen.replicaTrue += 1;
        if (got.replica === false) seen.replicaFalse += 1;
        if (want.destinationStageArn !== undefined) {
          seen.replication += 1;
          assert.match(got.destinationStageArn, /^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage\/[a-zA-Z0-9-]+$/);
        }
        for (const token of ['previousToken', 'newToken']) {
          if (want[token] === undefined) {
            assert.equal(got[token], undefined, where);
            continue;
          }
          const t = got[token];
          assert.ok(t.expirationTime instanceof Date, `${where} ${token}.expirationTime is a Date`);
          assert.equal(t.expirationTime.toISOString(),
            new Date(want[token].expirationTime).toISOString(), where);
          assert.ok(t.expirationTime > got.eventTime, `${where}: ${token} expires after the event`);
          assert.deepEqual(t.capabilities, want[token].capabilities, where);
          assert.deepEqual(t.attributes, want[token].attributes, where);
          assert.equal(t.userId, want[token].userId, where);
        }
        if (want.newToken !== undefined) seen.exchange += 1;
      });
    }
    assert.ok(seen.replication > 0 && seen.exchange > 0, JSON.stringify(seen));
    assert.ok(seen.replicaTrue > 0 && seen.replicaFalse > 0, JSON.stringify(seen));
  });

  test('an unknown participant is an empty list', async () => {
    const out = await client(open.url).send(new ListParticipantEventsCommand({
      stageArn: lists[0].stageArn, sessionId: lists[0].sessionId, participantId: 'nobody',
    }));
    assert.deepEqual(out.events, []);
    assert.equal(out.nextToken, undefined);
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.match(out.$metadata.requestId, /^[0-9a-f-]{36}$/);
  });

  test('an invalid request surfaces as the SDK ValidationException with HTTP 400', async () => {
    await assert.rejects(
      client(open.url).send(new ListParticipantEventsCommand({
        stageArn: lists[0].stageArn, sessionId: 'st-1', participantId: 'p1',
      })),
      (err) => {
        assert.ok(err instanceof ValidationException, `got ${err.name}`);
        assert.equal(err.name, 'ValidationException');
        assert.equal(err.$metadata.httpStatusCode, 400);
        assert.equal(err.exceptionMessage,
          "1 validation error detected: Value 'st-1' at 'sessionId' failed to satisfy constraint: " +
          'Member must have length greater than or equal to 16');
        return true;
      });
  });

  test('a tampered token is a ValidationException, never a 5xx', async () => {
    const list = lists.find((l) => l.events.length > 50);
    const c = client(open.url);
    const first = await c.send(new ListParticipantEventsCommand({
      stageArn: list.stageArn, sessionId: list.sessionId, participantId: list.participantId,
    }));
    const token = first.nextToken;
    const tampered = token.slice(0, 5) + (token[5] === 'A' ? 'B' : 'A') + token.slice(6);
    await assert.rejects(
      c.send(new ListParticipantEventsCommand({
        stageArn: list.stageArn, sessionId: list.sessionId, participantId: list.participantId,
        nextToken: tampered,
      })),
      (err) => err.name === 'ValidationException' && err.$metadata.httpStatusCode === 400);
  });
});

describe('AWS SDK SigV4 against lpe mock --auth sigv4', () => {
  let mock;
  let list;
  before(async () => {
    list = datasetLists().find((l) => l.events.length === 101);
    mock = await startMock(['--auth', 'sigv4', '--region', REGION,
      '--credentials', `${AKID}:${SECRET}`,
      '--credentials', `${TEMP_AKID}:${TEMP_SECRET}:${TEMP_TOKEN}`]);
  });
  after(async () => stopMock(mock));

  test('SDK-signed requests are accepted (long-term and session credentials)', async () => {
    for (const credentials of [
      { accessKeyId: AKID, secretAccessKey: SECRET },
      { accessKeyId: TEMP_AKID, secretAccessKey: TEMP_SECRET, sessionToken: TEMP_TOKEN },
    ]) {
      const { events } = await collect(client(mock.url, credentials), list, 40);
      assert.equal(events.length, 101);
    }
  });

  test('a client with a wrong secret gets 403', async () => {
    await assert.rejects(
      client(mock.url, { accessKeyId: AKID, secretAccessKey: 'wrong-secret' }).send(
        new ListParticipantEventsCommand({
          stageArn: list.stageArn, sessionId: list.sessionId, participantId: list.participantId,
        })),
      (err) => {
        assert.equal(err.$metadata.httpStatusCode, 403);
        assert.equal(err.name, 'InvalidSignatureException');
        return true;
      });
  });

  test('an unknown key gets 403 UnrecognizedClientException', async () => {
    await assert.rejects(
      client(mock.url, { accessKeyId: 'AKIDNOBODY', secretAccessKey: SECRET }).send(
        new ListParticipantEventsCommand({
          stageArn: list.stageArn, sessionId: list.sessionId, participantId: list.participantId,
        })),
      (err) => err.$metadata.httpStatusCode === 403 && err.name === 'UnrecognizedClientException');
  });
});

describe('AWS SDK retries against lpe mock --fault internal', () => {
  let mock;
  before(async () => {
    mock = await startMock(['--fault', 'internal', '--fault-rate', '0.2', '--seed', '7']);
  });
  after(async () => stopMock(mock));

  test('the SDK retries injected 500s and still returns the whole list', async () => {
    const list = datasetLists().find((l) => l.events.length === 250);
    const c = client(mock.url, undefined, { maxAttempts: 6, retryMode: 'standard' });
    const { events } = await collect(c, list, 10);
    assert.deepEqual(events.map((e) => normalize(e)), list.events.map((e) => normalize(e)));
  });
});
