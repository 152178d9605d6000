// The independent endpoint's SigV4 verifier against the official `post-vanilla` vector (DESIGN.md,
// wire facts) and single-change mutations of it. Run: node --test sigv4_vector.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { RequestError, verifySigV4 } from './server.mjs';

const OPTIONS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: null,
  region: 'us-east-1',
};
const SIGNED_AT = Date.UTC(2015, 7, 30, 12, 36, 0);
const SIGNATURE = '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b';

function postVanilla({ method = 'POST', url = '/', date = '20150830T123600Z', signature = SIGNATURE,
  credential = 'AKIDEXAMPLE/20150830/us-east-1/service/aws4_request', extraHeaders = [],
  authorization } = {}) {
  const auth = authorization !== undefined ? authorization :
    `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=host;x-amz-date, Signature=${signature}`;
  return {
    method,
    url,
    rawHeaders: ['Host', 'example.amazonaws.com', 'X-Amz-Date', date, ...extraHeaders,
      ...(auth === null ? [] : ['Authorization', auth])],
  };
}

function verdict(req, { body = Buffer.alloc(0), now = SIGNED_AT, options = OPTIONS } = {}) {
  try {
    verifySigV4(req, body, options, now, 'service');
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof RequestError, `unexpected ${error}`);
    assert.equal(error.status, 403);
    return error.type;
  }
}

test('post-vanilla verifies', () => {
  assert.equal(verdict(postVanilla()), 'ok');
  assert.equal(verdict(postVanilla(), { now: SIGNED_AT + 15 * 60 * 1000 }), 'ok');
  assert.equal(verdict(postVanilla(), { now: SIGNED_AT - 15 * 60 * 1000 }), 'ok');
});

test('one change to post-vanilla fails with the R13 type', () => {
  assert.equal(verdict(postVanilla({ authorization: null })), 'MissingAuthenticationTokenException');
  assert.equal(verdict(postVanilla({ authorization: 'Bearer abc' })), 'IncompleteSignatureException');
  assert.equal(verdict(postVanilla({ authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE' })),
    'IncompleteSignatureException');
  assert.equal(verdict(postVanilla({ signature: SIGNATURE.slice(1) })), 'IncompleteSignatureException');
  assert.equal(verdict(postVanilla({ date: '2015-08-30T12:36:00Z' })), 'IncompleteSignatureException');
  assert.equal(verdict(postVanilla({ credential: 'AKIDOTHER/20150830/us-east-1/service/aws4_request' })),
    'UnrecognizedClientException');
  assert.equal(verdict(postVanilla({ extraHeaders: ['X-Amz-Security-Token', 'token'] })),
    'UnrecognizedClientException');
  assert.equal(verdict(postVanilla({ signature: SIGNATURE.replace(/^5/, '6') })), 'InvalidSignatureException');
  assert.equal(verdict(postVanilla({ method: 'PUT' })), 'InvalidSignatureException');
  assert.equal(verdict(postVanilla({ url: '/?a=b' })), 'InvalidSignatureException');
  assert.equal(verdict(postVanilla(), { body: Buffer.from('x') }), 'InvalidSignatureException');
  assert.equal(verdict(postVanilla(), { now: SIGNED_AT + 15 * 60 * 1000 + 1000 }), 'InvalidSignatureException');
  assert.equal(verdict(postVanilla(), { now: SIGNED_AT - 15 * 60 * 1000 - 1000 }), 'InvalidSignatureException');
  assert.equal(verdict(postVanilla({ credential: 'AKIDEXAMPLE/20150830/us-west-2/service/aws4_request' })),
    'InvalidSignatureException');
  assert.equal(verdict(postVanilla(), { options: { ...OPTIONS, secretAccessKey: 'other' } }),
    'InvalidSignatureException');
});
