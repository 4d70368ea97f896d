// Python-flavoured JSON: evalplus data may hold NaN/Infinity/-Infinity and integers beyond 2^53.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLooseJson, parseLooseObjectSpans, stringifyLooseJson } from '../../../src/tasks/code/index.js';

test('json-loose: NaN, Infinity and -Infinity literals are read', () => {
  const v = parseLooseJson('[NaN, Infinity, -Infinity, -0.5, 1e-320]') as number[];
  assert.ok(Number.isNaN(v[0]));
  assert.equal(v[1], Number.POSITIVE_INFINITY);
  assert.equal(v[2], Number.NEGATIVE_INFINITY);
  assert.deepEqual(v.slice(3), [-0.5, 1e-320]);
});

test('json-loose: integers beyond 2^53 stay exact (BigInt); others stay numbers', () => {
  const v = parseLooseJson(
    '{"a": 123456789012345678901234567890, "b": -9007199254740993, "c": 9007199254740991, "d": 1.0}',
  ) as Record<string, unknown>;
  assert.equal(v.a, 123456789012345678901234567890n);
  assert.equal(v.b, -9007199254740993n);
  assert.equal(v.c, 9007199254740991);
  assert.equal(v.d, 1);
});

test('json-loose: object member spans give each value’s exact source text', () => {
  const line = '{"task_id": "T/1", "base_input": [[1.0, NaN], [10000000000000000000001]], "atol": 0}';
  const { value, raw } = parseLooseObjectSpans(line);
  assert.equal(value.task_id, 'T/1');
  assert.equal(raw.get('base_input'), '[[1.0, NaN], [10000000000000000000001]]', '1.0 stays a float literal');
  assert.equal(raw.get('atol'), '0');
  assert.deepEqual([...raw.keys()], ['task_id', 'base_input', 'atol']);
});

test('json-loose: strings with escapes and nested structures parse like JSON.parse', () => {
  const text = '{"s": "a\\"b\\\\c\\u00e9\\n", "n": null, "t": true, "f": false, "l": [[], {}], "e": ""}';
  assert.deepEqual(parseLooseJson(text), JSON.parse(text));
});

test('json-loose: errors name the offset', () => {
  assert.throws(() => parseLooseJson('[1, 2'), /expected ',' or ']' at offset 5/);
  assert.throws(() => parseLooseJson('[1, '), /unexpected end of input at offset 4/);
  assert.throws(() => parseLooseJson('{"a" 1}'), /expected ':' at offset 5/);
  assert.throws(() => parseLooseJson('[1] x'), /unexpected text after the value at offset 4/);
  assert.throws(() => parseLooseJson('[nan]'), /unexpected character at offset 1/);
  assert.throws(() => parseLooseObjectSpans('[1]'), /expected a JSON object/);
});

test('json-loose: stringify writes what Python json.dumps writes for these values', () => {
  assert.equal(
    stringifyLooseJson([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 10n ** 30n, 'x', null]),
    '[NaN, Infinity, -Infinity, 1000000000000000000000000000000, "x", null]',
  );
  assert.equal(stringifyLooseJson({ a: [1, 2.5] }), '{"a": [1, 2.5]}');
});
