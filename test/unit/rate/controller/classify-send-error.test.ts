import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifySendError } from '../../../../src/rate/controller/classify-send-error.js';

describe('classifySendError', () => {
  const cases: [string, ReturnType<typeof classifySendError>][] = [
    ['ERR__MSG_TIMED_OUT', 'congestion'],
    ['ERR__QUEUE_FULL', 'congestion'],
    ['ERR_REQUEST_TIMED_OUT', 'congestion'],
    ['ERR_NOT_ENOUGH_REPLICAS', 'congestion'],
    ['ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND', 'congestion'],
    ['ERR_NOT_LEADER_FOR_PARTITION', 'topology'],
    ['ERR_LEADER_NOT_AVAILABLE', 'topology'],
    ['ERR__TRANSPORT', 'topology'],
    ['ERR__ALL_BROKERS_DOWN', 'topology'],
    ['ERR_TOPIC_AUTHORIZATION_FAILED', 'fatal'],
    ['ERR_MSG_SIZE_TOO_LARGE', 'fatal'],
    ['ERR_RECORD_LIST_TOO_LARGE', 'fatal'],
    ['ERR_SASL_AUTHENTICATION_FAILED', 'fatal'],
    ['ERR_UNSUPPORTED_VERSION', 'fatal'],
    ['ERR__BAD_MSG', 'other'],
    ['something else', 'other'],
  ];
  for (const [reason, expected] of cases)
    test(`${reason} → ${expected}`, () => assert.equal(classifySendError(reason), expected));

  test('accepts Kafka protocol names and any case', () => {
    assert.equal(classifySendError('NOT_LEADER_OR_FOLLOWER'), 'topology');
    assert.equal(classifySendError('not_enough_replicas'), 'congestion');
    assert.equal(classifySendError('MESSAGE_TOO_LARGE'), 'fatal');
    assert.equal(classifySendError(' err__msg_timed_out '), 'congestion');
  });
});
