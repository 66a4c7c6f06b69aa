import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePlan, type Plan } from '../../../plugins/boost/index.ts';

const cases: { name: string; reply: string; plan: Plan }[] = [
  {
    name: 'SUMMARY alone is the answer',
    reply: 'SUMMARY:\nParis is the capital of France.',
    plan: { kind: 'summary', summary: 'Paris is the capital of France.', analysis: '' },
  },
  {
    name: 'text after the colon is kept',
    reply: 'SUMMARY: Paris.\nIt has been since 987.',
    plan: { kind: 'summary', summary: 'Paris.\nIt has been since 987.', analysis: '' },
  },
  {
    name: 'ANALYSIS and GUIDANCE give guidance',
    reply: 'ANALYSIS:\nThe user wants the file.\n\nGUIDANCE:\nCall Read on /a.txt.',
    plan: {
      kind: 'guidance',
      guidance: 'Call Read on /a.txt.',
      analysis: 'The user wants the file.',
    },
  },
  {
    name: 'SUMMARY wins over GUIDANCE, whatever the order',
    reply: 'GUIDANCE:\nCall Read.\nSUMMARY:\nNo tool needed: 4.',
    plan: { kind: 'summary', summary: 'No tool needed: 4.', analysis: '' },
  },
  {
    name: 'headers are case-sensitive',
    reply: 'summary:\nlower case is not a header\nGuidance: neither is this',
    plan: { kind: 'other', analysis: '' },
  },
  {
    name: 'the first occurrence wins',
    reply: 'GUIDANCE:\nfirst\nGUIDANCE:\nsecond',
    plan: { kind: 'guidance', guidance: 'first', analysis: '' },
  },
  {
    name: 'an empty first occurrence still wins (and counts as absent)',
    reply: 'SUMMARY:\n\nGUIDANCE: use Bash\nSUMMARY: late answer',
    plan: { kind: 'guidance', guidance: 'use Bash', analysis: '' },
  },
  {
    name: '--- ends a section',
    reply: 'GUIDANCE:\nCall Glob.\n---\nThis is a footer.',
    plan: { kind: 'guidance', guidance: 'Call Glob.', analysis: '' },
  },
  {
    name: 'surrounding blank lines are trimmed, inner ones kept',
    reply: 'GUIDANCE:\n\n\nstep one\n\nstep two\n\n\n',
    plan: { kind: 'guidance', guidance: 'step one\n\nstep two', analysis: '' },
  },
  {
    name: 'an empty SUMMARY counts as absent',
    reply: 'SUMMARY:\n   \nANALYSIS: thinking\nGUIDANCE: call Bash',
    plan: { kind: 'guidance', guidance: 'call Bash', analysis: 'thinking' },
  },
  {
    name: 'ANALYSIS without GUIDANCE is OTHER',
    reply: 'ANALYSIS:\nI am not sure what to do.',
    plan: { kind: 'other', analysis: 'I am not sure what to do.' },
  },
  {
    name: 'free text is OTHER',
    reply: 'Sure! Here is how I would do it.',
    plan: { kind: 'other', analysis: '' },
  },
  {
    name: 'a header mid-line is not a header',
    reply: 'My GUIDANCE: call Bash',
    plan: { kind: 'other', analysis: '' },
  },
  {
    name: 'indented headers and CRLF line ends are read',
    reply: '  ANALYSIS: a\r\n  GUIDANCE:\r\n  call Read\r\n',
    plan: { kind: 'guidance', guidance: '  call Read', analysis: 'a' },
  },
  {
    name: 'markdown emphasis around a header is tolerated',
    reply: '**ANALYSIS:** reading\n\n## GUIDANCE:\nCall Read.',
    plan: { kind: 'guidance', guidance: 'Call Read.', analysis: 'reading' },
  },
];

for (const c of cases) {
  test(`parsePlan: ${c.name}`, () => {
    assert.deepEqual(parsePlan(c.reply), c.plan);
  });
}
