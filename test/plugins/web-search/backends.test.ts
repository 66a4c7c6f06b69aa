import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bocha } from '../../../plugins/web-search/backends/bocha.ts';
import { brave } from '../../../plugins/web-search/backends/brave.ts';
import { exa } from '../../../plugins/web-search/backends/exa.ts';
import { filterHits, type BackendWire } from '../../../plugins/web-search/backends/http.ts';
import { gemini } from '../../../plugins/web-search/backends/native/gemini.ts';
import { openaiResponses } from '../../../plugins/web-search/backends/native/openai-responses.ts';
import { openrouter } from '../../../plugins/web-search/backends/native/openrouter.ts';
import { searxng } from '../../../plugins/web-search/backends/searxng.ts';
import { tavily } from '../../../plugins/web-search/backends/tavily.ts';
import { SearchError, type SearchQuery } from '../../../plugins/web-search/backends/types.ts';
import { fixture } from './helpers.ts';

const query = (extra: Partial<SearchQuery> = {}): SearchQuery => ({
  query: 'node.js 22 release date',
  maxResults: 5,
  signal: new AbortController().signal,
  ...extra,
});
const settings = { baseUrl: 'https://backend.test/', apiKey: 'k-123' };
const release = 'https://nodejs.org/en/blog/announcements/v22-release-announce';
const filtered = query({
  allowedDomains: ['nodejs.org'],
  blockedDomains: ['spam.example'],
  userLocation: { country: 'de' },
});

interface Case {
  wire: BackendWire;
  /** The request for `filtered`: what a user configuring domains and location would see sent. */
  request: { method: string; url: string; auth: [string, string]; body?: unknown };
  first: { title: string; content: RegExp; pageAge: string | null };
  count: number;
}

const cases: Case[] = [
  {
    wire: tavily,
    request: {
      method: 'POST',
      url: 'https://backend.test/search',
      auth: ['authorization', 'Bearer k-123'],
      body: {
        query: 'node.js 22 release date',
        max_results: 5,
        search_depth: 'basic',
        include_answer: false,
        include_domains: ['nodejs.org'],
        exclude_domains: ['spam.example'],
      },
    },
    first: {
      title: 'Node.js 22 is now available! | Node.js',
      content: /release of Node\.js 22/,
      pageAge: '2024-04-24',
    },
    count: 2,
  },
  {
    wire: brave,
    request: {
      method: 'GET',
      url: 'https://backend.test/res/v1/web/search?q=node.js+22+release+date+site%3Anodejs.org+-site%3Aspam.example&count=5&country=DE',
      auth: ['x-subscription-token', 'k-123'],
    },
    first: {
      title: 'Node.js 22 is now available! | Node.js',
      content: /^We're excited .*Node\.js 22! .*LTS\) in October\.$/,
      pageAge: '2024-04-24T00:00:00',
    },
    count: 2,
  },
  {
    wire: searxng,
    request: {
      method: 'GET',
      url: 'https://backend.test/search?q=node.js+22+release+date+site%3Anodejs.org+-site%3Aspam.example&format=json&pageno=1',
      auth: ['accept', 'application/json'],
    },
    first: {
      title: 'Node.js 22 is now available!',
      content: /WebSocket client/,
      pageAge: '2024-04-24T00:00:00',
    },
    count: 2,
  },
  {
    wire: bocha,
    request: {
      method: 'POST',
      url: 'https://backend.test/v1/web-search',
      auth: ['authorization', 'Bearer k-123'],
      body: {
        query: 'node.js 22 release date',
        count: 5,
        summary: true,
        freshness: 'noLimit',
        include: 'nodejs.org',
        exclude: 'spam.example',
      },
    },
    first: {
      title: 'Node.js 22 is now available!',
      content: /updates of the V8 JavaScript engine/,
      pageAge: '2024-04-24T08:00:00+08:00',
    },
    count: 1,
  },
  {
    wire: exa,
    request: {
      method: 'POST',
      url: 'https://backend.test/search',
      auth: ['x-api-key', 'k-123'],
      body: {
        query: 'node.js 22 release date',
        numResults: 5,
        type: 'auto',
        contents: { highlights: { maxCharacters: 1500 }, text: { maxCharacters: 1500 } },
        includeDomains: ['nodejs.org'],
        excludeDomains: ['spam.example'],
        userLocation: 'DE',
      },
    },
    first: {
      title: 'Node.js 22 is now available!',
      content: /^Node\.js 22 will enter long-term support \(LTS\) in October\. … require/,
      pageAge: '2024-04-24T00:00:00.000Z',
    },
    count: 1,
  },
];

for (const c of cases) {
  test(`${c.wire.name}: domains and location reach the request the backend documents`, () => {
    const call = c.wire.request(filtered, settings);
    assert.equal(call.method, c.request.method);
    assert.equal(call.url, c.request.url);
    assert.equal(call.headers[c.request.auth[0]], c.request.auth[1]);
    assert.deepEqual(call.body, c.request.body);
  });

  test(`${c.wire.name}: the documented response becomes hits with url, title, text and date`, () => {
    const hits = c.wire.parse(fixture(c.wire.name), query());
    assert.equal(hits.length, c.count);
    const [first] = hits;
    assert.equal(first?.url, release);
    assert.equal(first?.title, c.first.title);
    assert.match(first?.content ?? '', c.first.content);
    assert.equal(first?.pageAge, c.first.pageAge);
  });
}

test('bocha: an error code inside a 200 body is a search error, not zero results', () => {
  assert.throws(
    () => bocha.parse({ code: 429, msg: 'rate limited', data: null }, query()),
    (error) => error instanceof SearchError && error.code === 'too_many_requests',
  );
});

test('brave: a country that is not an ISO code is not sent (Brave answers 422 to unknown ones)', () => {
  const call = brave.request(query({ userLocation: { country: 'Germany' } }), settings);
  assert.doesNotMatch(call.url, /country=/);
});

test('filterHits: allowed domains admit subdomains, blocked ones win, duplicates go, the cap holds', () => {
  const hit = (url: string) => ({ url, title: url, content: '', pageAge: null });
  const hits = [
    hit('https://docs.nodejs.org/a'),
    hit('https://nodejs.org.evil.test/b'),
    hit('https://www.nodejs.org/c'),
    hit('https://www.nodejs.org/c'),
    hit('https://blog.nodejs.org/d'),
    hit('https://nodejs.org/e'),
  ];
  const kept = filterHits(
    hits,
    query({
      allowedDomains: ['https://nodejs.org/'],
      blockedDomains: ['blog.nodejs.org'],
      maxResults: 2,
    }),
  );
  assert.deepEqual(
    kept.map((h) => h.url),
    ['https://docs.nodejs.org/a', 'https://www.nodejs.org/c'],
  );
});

test('native gemini: grounding chunks become hits quoting the segments they support, sites kept for filters', () => {
  const call = gemini.request(query(), { ...settings, model: 'gemini-2.5-flash' });
  assert.equal(call.url, 'https://backend.test/v1beta/models/gemini-2.5-flash:generateContent');
  assert.equal(call.headers['x-goog-api-key'], 'k-123');
  assert.deepEqual((call.body as { tools: unknown }).tools, [{ google_search: {} }]);
  const hits = gemini.parse(fixture('gemini'), query());
  assert.deepEqual(
    hits.map((h) => [h.title, h.content, h.site]),
    [
      [
        'nodejs.org',
        'Node.js 22 was released on April 24, 2024. It entered long-term support in October 2024.',
        'nodejs.org',
      ],
      ['github.com', 'Node.js 22 was released on April 24, 2024.', 'github.com'],
    ],
  );
  assert.deepEqual(
    filterHits(hits, query({ allowedDomains: ['github.com'] })).map((h) => h.title),
    ['github.com'],
  );
});

test('native openai-responses: url_citation annotations become hits quoting the cited sentence', () => {
  const call = openaiResponses.request(filtered, settings);
  assert.equal(call.url, 'https://backend.test/responses');
  assert.deepEqual((call.body as { tools: unknown }).tools, [
    {
      type: 'web_search',
      filters: { allowed_domains: ['nodejs.org'] },
      user_location: { country: 'de', type: 'approximate' },
    },
  ]);
  const hits = openaiResponses.parse(fixture('openai-responses'), query());
  assert.equal(hits.length, 1);
  assert.equal(hits[0]?.title, 'Node.js 22 is now available!');
  assert.equal(hits[0]?.content, 'Node.js 22 was released on April 24, 2024');
});

test('native openrouter: the web plugin is asked for, its excerpts become the hits', () => {
  const call = openrouter.request(query(), settings);
  assert.equal(call.url, 'https://backend.test/chat/completions');
  assert.deepEqual((call.body as { plugins: unknown }).plugins, [{ id: 'web', max_results: 5 }]);
  const hits = openrouter.parse(fixture('openrouter'), query());
  assert.deepEqual(
    hits.map((h) => [h.url, h.content]),
    [[release, "We're excited to announce the release of Node.js 22!"]],
  );
});
