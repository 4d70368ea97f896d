import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskResult } from '../../src/eval/aggregate.js';
import { esc, prefixSvgIds, scriptJson } from '../../src/report/html.js';
import { inDomainRlvr, parseRole, ResultIndex } from '../../src/report/roles.js';

describe('report parts', () => {
  it('reads the paper roles from model labels', () => {
    assert.deepEqual(parseRole('base'), { start: 'base', rlvr: null });
    assert.deepEqual(parseRole('warmup+rlvr:math'), { start: 'warmup', rlvr: 'math' });
    assert.deepEqual(parseRole('base+rlvr'), { start: 'base', rlvr: '*' });
    assert.equal(parseRole('qwen2.5-3b'), null);
    assert.equal(parseRole('warmup-v2'), null);
    assert.deepEqual(parseRole('base+rlvr:mmlu-pro:physics'), { start: 'base', rlvr: 'mmlu-pro:physics' });
  });

  it('finds the in-domain RLVR model of a benchmark', () => {
    const r = (model: string) => ({ model, task: 't' }) as unknown as TaskResult;
    const index = new ResultIndex(['base', 'base+rlvr:math', 'warmup+rlvr:mmlu-pro:history', 'warmup+rlvr'].map(r));
    assert.equal(inDomainRlvr(index, 'base', 'math'), 'base+rlvr:math');
    assert.equal(inDomainRlvr(index, 'base', 'kk'), undefined);
    assert.equal(inDomainRlvr(index, 'warmup', 'mmlu-pro'), 'warmup+rlvr:mmlu-pro:history');
    assert.equal(inDomainRlvr(index, 'warmup', 'code'), 'warmup+rlvr', 'an unnamed RLVR domain counts everywhere');
  });

  it('keeps several SVGs in one page apart (ids and their references are prefixed)', () => {
    const svg =
      '<svg><defs><clipPath id="clip1"><rect/></clipPath></defs><g clip-path="url(#clip1)"><use href="#clip1"/></g><g id="x"></g></svg>';
    const out = prefixSvgIds(svg, 'fig-');
    assert.equal(
      out,
      '<svg><defs><clipPath id="fig-clip1"><rect/></clipPath></defs><g clip-path="url(#fig-clip1)"><use href="#fig-clip1"/></g><g id="fig-x"></g></svg>',
    );
  });

  it('embeds model text safely', () => {
    assert.equal(esc('<b a="1">&\'</b>'), '&lt;b a=&quot;1&quot;&gt;&amp;&#39;&lt;/b&gt;');
    const json = scriptJson({ s: '</script><!-- \u2028' });
    assert.ok(!json.includes('<'));
    assert.deepEqual(JSON.parse(json), { s: '</script><!-- \u2028' });
  });
});
