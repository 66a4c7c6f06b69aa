import assert from 'node:assert/strict';
import { test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { foldEvents } from '../../../core/index.ts';
import {
  assertMatches,
  convertFixture,
  fixtureRequest,
  loadFixtures,
  type Fixture,
} from './fixtures.ts';
import { assertGrammar, assertNoRepairs, rawStream, setup } from './helpers.ts';
import { replyJson, replySse } from '../../helpers/upstream.ts';

const fixtures = loadFixtures();
const title = (f: Fixture, how: string, extra: string[] = []) =>
  `${[...f.covers, ...extra].join(', ')}: ${f.name} ${how}`;
/** Streamed fixtures that complete are also checked against the wire grammar. */
const grammar = (f: Fixture) => (f.sse && !f.expectError ? ['B2', 'B3', 'B4', 'B5', 'B6'] : []);

for (const fixture of fixtures) {
  test(title(fixture, 'through the pure converter'), () => {
    const { events, error } = convertFixture(fixture);
    if (fixture.expectError) {
      // The provider loop's one rule: an upstream failure is thrown, the core makes it the event.
      assert.ok(error, 'the failure is thrown');
      assert.equal(error.type, fixture.expectError.type);
      assert.match(error.message, new RegExp(fixture.expectError.message));
      assert.ok(!events.some((e) => e.type === 'message_stop'), 'no message_stop after a failure');
      return;
    }
    assert.equal(error, undefined);
    assertMatches(foldEvents(events), fixture.expect!);
  });

  test(
    title(fixture, 'replayed through HTTP to @anthropic-ai/sdk', grammar(fixture)),
    async (t) => {
      const { proxy, upstream } = await setup(t, (req, res) =>
        fixture.response ? replyJson(res, 200, fixture.response) : replySse(res, fixture.sse ?? []),
      );
      const request = fixtureRequest(fixture) as Anthropic.MessageCreateParamsNonStreaming;
      if (fixture.response) {
        const message = await proxy.client.messages.create(request);
        assert.equal(upstream.requests[0]!.body.stream, false);
        assertMatches(message, fixture.expect!);
        return;
      }
      const stream = proxy.client.messages.stream(request);
      if (fixture.expectError) {
        const error = await stream.finalMessage().catch((e: unknown) => e);
        assert.ok(error instanceof Error, 'finalMessage() rejects');
        assert.match(error.message, new RegExp(fixture.expectError.message));
        const { events } = await rawStream(proxy, request as unknown as Record<string, unknown>);
        assert.equal(events.at(-1)!.data.type, 'error');
        assert.equal(
          (events.at(-1)!.data.error as { type: string }).type,
          fixture.expectError.type,
        );
        assert.ok(!events.some((e) => e.data.type === 'message_stop'));
        return;
      }
      assertMatches(await stream.finalMessage(), fixture.expect!);
      const { response, events } = await rawStream(
        proxy,
        request as unknown as Record<string, unknown>,
      );
      assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
      assertGrammar(events);
      assertNoRepairs(proxy);
    },
  );
}
