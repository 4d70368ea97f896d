// The typed list of the binding's functions is the binding's: a name added to native/binding.cpp
// without the list (or left in the list after the binding dropped it) fails here, not at a call site.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { native } from '../../src/torch/native.js';
import { NATIVE_FUNCTIONS } from '../../src/torch/native-names.js';

describe('native binding names', () => {
  it('NATIVE_FUNCTIONS lists exactly the functions the built binding exports', () => {
    const exported = Object.keys(native).sort();
    assert.deepEqual([...NATIVE_FUNCTIONS].sort(), exported);
    for (const name of exported) assert.equal(typeof native[name as keyof typeof native], 'function', name);
  });
});
