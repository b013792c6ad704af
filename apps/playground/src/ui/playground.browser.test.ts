import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { tiktokenEstimator } from '@ply/cost';
import { startSimulator } from '@ply/simulator';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnvironment } from '../config/playground-config.js';
import { startPlaygroundServer } from '../server/playground-server.js';
import {
  ECHO_PARTIAL_TEXT,
  type KeyEchoingUpstream,
  plantedKey,
  startKeyEchoingUpstream,
} from '../testing/key-echoing-upstream.test-support.js';
import {
  DRIFT_FIELD,
  type DriftingProxy,
  startDriftingProxy,
} from './drifting-proxy.test-support.js';
import { startTestPlayground, type TestPlayground } from './ui.test-support.js';

/**
 * The playground issue's acceptance test: a real Chromium drives the page against the
 * whole stack in process. Each step saves a screenshot to `.reports/screenshots/`.
 */
const SCREENSHOTS = fileURLToPath(new URL('../../.reports/screenshots/', import.meta.url));
const STEP_TIMEOUT_MS = 60_000;
const KEY_SHAPED = /sk-[A-Za-z0-9_-]{8,}/;

interface InPageElement {
  textContent: string | null;
  value: string;
  outerHTML: string;
  querySelectorAll(selector: string): ArrayLike<InPageElement> & Iterable<InPageElement>;
}

/** What the in-page functions touch: this package compiles without the DOM library. */
interface InPage {
  document: InPageElement & {
    documentElement: InPageElement;
    getElementById(id: string): InPageElement | null;
  };
  MutationObserver: new (
    callback: () => void,
  ) => { observe(target: unknown, options: Record<string, boolean>): void };
  snapshots: Array<{ text: string; status: string }>;
}

/** Waits for the page to reach a state; generous, since CI may run on two busy cores. */
function poll<T>(read: () => T | Promise<T>) {
  return expect.poll(read, { timeout: 20_000, interval: 25 });
}

/** Long enough that the answer (the simulator echoes it) takes many tokens to stream. */
const PROMPT =
  'Streaming check: the quick brown fox jumps over the lazy dog while seven wizards ' +
  'quietly judge the boxing match, and a small robot paints the sky at dawn and dusk ' +
  'with every colour it can find in its old wooden box of paints and brushes.';

describe('the playground in a browser', () => {
  const key = plantedKey();
  let upstream: Awaited<ReturnType<typeof startSimulator>>;
  let proxy: DriftingProxy;
  let echo: KeyEchoingUpstream;
  let playground: TestPlayground;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const shot = (name: string) =>
    page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
  const text = async (testid: string) =>
    (await page.getByTestId(testid).last().textContent())?.trim() ?? '';

  /** Nothing key-shaped anywhere on the page: markup, input values, or text. */
  async function expectNoKey(): Promise<void> {
    const visible = await page.evaluate(() => {
      const { document } = globalThis as unknown as InPage;
      const values = [...document.querySelectorAll('input, textarea')].map((field) => field.value);
      return `${document.documentElement.outerHTML}\n${values.join('\n')}`;
    });
    expect(visible).not.toContain(key);
    expect(visible).not.toMatch(KEY_SHAPED);
  }

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    // A second provider holding a key, as a user with OPENAI_API_KEY has: a loopback
    // simulator stands in for OpenAI, so the compare can span two providers.
    // It drifts from the spec as compatible servers do: one field more in every chunk.
    upstream = await startSimulator({ port: 0 });
    proxy = await startDriftingProxy(upstream.url);
    // A third, with the same key, whose upstream quotes the key back in its errors.
    echo = await startKeyEchoingUpstream();
    const config = configFromEnvironment({ OPENAI_API_KEY: key, OPENAI_BASE_URL: proxy.url });
    playground = await startTestPlayground({
      providers: [
        ...config.providers,
        { id: 'echo', kind: 'openai', apiKey: key, baseURL: echo.url },
      ],
      defaultTarget: 'simulator:gpt-4o-mini',
      // Small but not zero: tokens arrive in several steps the page can be seen to show,
      // over about a second, so a renderer held off the CPU still sees some of them.
      simulatorPace: { firstTokenDelayMs: 50, tokenDelayMs: 25 },
    });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(playground.url);
  }, STEP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await playground?.close();
    await proxy?.close();
    await echo?.close();
    await upstream?.close();
  });

  it(
    'estimates the prompt before sending: tokens, the context window and the worst-case cost',
    async () => {
      await poll(() => page.getByTestId('target').inputValue()).toBe('simulator:gpt-4o-mini');
      await poll(() => text('connection')).toBe('live');
      await shot('01-loaded');

      await page.getByTestId('prompt').fill(PROMPT);
      await poll(() => text('estimate-tokens')).toMatch(/^\d+$/);
      expect(Number(await text('estimate-tokens'))).toBeGreaterThan(40);
      await poll(() => text('estimate-window')).toMatch(/% of 128,000$/);
      expect(await text('estimate-cost')).toMatch(/^\$\d/);
      expect(await text('session-total')).toBe('$0 / $5.00');
      await shot('02-estimate');
      await expectNoKey();
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'streams the answer: it grows over several observations, then shows TTFT, tokens/s and the actual cost',
    async () => {
      // Snapshot the answer each time the page changes it (once per delivery from the
      // network): the page's own content, observed as the user would see it.
      await page.evaluate(() => {
        const scope = globalThis as unknown as InPage;
        const { document } = scope;
        const transcript = document.getElementById('transcript');
        scope.snapshots = [];
        new scope.MutationObserver(() => {
          const answers = transcript?.querySelectorAll('[data-testid="answer-text"]') ?? [];
          scope.snapshots.push({
            text: answers[answers.length - 1]?.textContent ?? '',
            status: document.getElementById('s-status')?.textContent ?? '',
          });
        }).observe(transcript, { childList: true, characterData: true, subtree: true });
      });
      await page.getByTestId('send').click();
      // Mid-stream, unless the machine is slow enough to see only the end (asserted below).
      await poll(() => text('stat-status')).toMatch(/^(streaming|done)$/);
      await shot('03-streaming');
      await poll(() => text('stat-status')).toBe('done');

      const answer = await text('answer-text');
      expect(answer).toBe(PROMPT);
      const snapshots = await page.evaluate(() => (globalThis as unknown as InPage).snapshots);
      const partial = new Set(
        snapshots
          .filter((snapshot) => snapshot.status === 'streaming')
          .map((snapshot) => snapshot.text)
          .filter((seen) => seen !== '' && seen !== answer),
      );
      expect(partial.size).toBeGreaterThanOrEqual(2);
      for (const seen of partial) expect(answer.startsWith(seen)).toBe(true);

      expect(await text('stat-ttft')).toMatch(/^\d+ ms$/);
      expect(await text('stat-tps')).toMatch(/^\d+(\.\d)?$/);
      expect(await text('stat-attempts')).toBe('1');
      // The estimate is exact for text: the prompt tokens billed are the ones counted before.
      const billed = await text('actual-input');
      expect(await text('actual-vs-estimate')).toBe(`${billed} → ${billed}`);
      expect(Number(await text('actual-output'))).toBeGreaterThan(10);
      expect(await text('actual-cost')).toMatch(/^\$\d/);
      await poll(() => text('session-calls')).toBe('1');
      expect(await text('session-total')).toMatch(/^\$0\.0\d* \/ \$5\.00$/);
      expect(await text('session-total')).toContain(await text('actual-cost'));
      // The inspector saw the exact request and every chunk.
      expect(await text('inspector-request-id')).toMatch(/^req_/);
      await page.getByTestId('itab-response').click();
      expect(await page.getByTestId('chunks').locator('li').count()).toBeGreaterThan(10);
      await shot('04-streamed');
      await expectNoKey();
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'compares two models side by side with latency, tokens and cost per column',
    async () => {
      await page.getByTestId('tab-compare').click();
      await page.getByTestId('compare-target-0').fill('simulator:gpt-4o-mini');
      await page.getByTestId('compare-target-1').fill('openai:gpt-4o');
      await page.getByTestId('compare-target-2').fill('');
      await page.getByTestId('compare-run').click();

      const columns = page.getByTestId('compare-column');
      await poll(() => columns.count()).toBe(2);
      for (const [index, model] of ['simulator:gpt-4o-mini', 'openai:gpt-4o'].entries()) {
        const column = columns.nth(index);
        expect(await column.locator('h3').textContent()).toBe(model);
        await poll(() => column.getByTestId('compare-latency').textContent()).toMatch(/^\d+ ms$/);
        expect(await column.getByTestId('compare-tokens').textContent()).toMatch(
          /^\d+ in \/ \d+ out$/,
        );
        expect(await column.getByTestId('compare-cost').textContent()).toMatch(/^\$\d/);
        expect(await column.getByTestId('compare-text').textContent()).toBe(PROMPT);
      }
      // gpt-4o costs more than gpt-4o-mini for the same tokens.
      const costs = await columns.getByTestId('compare-cost').allTextContents();
      expect(Number(costs[1]?.slice(1))).toBeGreaterThan(Number(costs[0]?.slice(1)));
      await shot('05-compare');
      await expectNoKey();
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'highlights the fields of the raw result that the OpenAI spec does not describe',
    async () => {
      await page.getByTestId('tab-chat').click();
      await page.getByTestId('target').fill('openai:gpt-4o-mini');
      await page.getByTestId('prompt').fill('Drift check');
      await page.getByTestId('send').click();
      await poll(() => text('stat-status')).toBe('done');
      await page.getByTestId('itab-raw').click();
      await poll(() => text('unknown-count')).toMatch(/^\d+ field\(s\) outside the spec$/);
      const unknown = page.getByTestId('unknown-field');
      expect(await unknown.count()).toBeGreaterThan(1);
      expect(await unknown.first().getAttribute('title')).toBe(
        `[0].${DRIFT_FIELD}: not in the OpenAI spec`,
      );
      expect(await unknown.first().textContent()).toContain(`"${DRIFT_FIELD}"`);
      await shot('06-unknown-fields');
      await page.getByTestId('target').fill('simulator:gpt-4o-mini');
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'answers a tool call with "answer for me", and the model continues with the result',
    async () => {
      await page.getByTestId('tools-example').click();
      expect(await page.getByTestId('target').inputValue()).toBe('simulator:sim-tools');
      await page.getByTestId('prompt').fill('What is the weather in Oslo?');
      await page.getByTestId('send').click();
      await page.getByTestId('tool-call').first().waitFor();
      expect(await text('tool-call')).toMatch(/^get_weather\(\{"city":/);
      await shot('07-tool-call');
      await page.getByTestId('tool-answer-for-me').click();
      await poll(() => text('stat-status')).toBe('done');
      expect(await text('answer-text')).toContain('simulated by the playground');
      await page.getByTestId('tools-on').uncheck();
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'shows structured output parsed and validated against its schema',
    async () => {
      await page.getByTestId('schema-example').click();
      expect(await page.getByTestId('target').inputValue()).toBe('simulator:sim-json');
      await page.getByTestId('prompt').fill('Invent a city');
      await page.getByTestId('send').click();
      await poll(() => text('stat-status')).toBe('done');
      await page.getByTestId('itab-raw').click();
      expect(await text('structured-valid')).toBe('valid against the schema');
      expect(await text('structured-value')).toMatch(/"population": \d+/);
      await shot('08-structured');
      await page.getByTestId('schema-on').uncheck();
      await page.getByTestId('target').fill('simulator:gpt-4o-mini');
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'shows a retry in the inspector after a 429 is injected with the fault toggle',
    async () => {
      await page.getByTestId('tab-chat').click();
      await page.getByTestId('itab-timeline').click();
      await page.getByTestId('fault-toggle-rate-limit').check();
      await poll(() => page.getByTestId('fault-rate-limit').getAttribute('class')).toBe('armed');

      await page.getByTestId('prompt').fill('Are you rate limited?');
      await page.getByTestId('send').click();
      const retry = page.getByTestId('retry-row').first();
      await retry.waitFor();
      expect(await retry.textContent()).toMatch(
        /^retry after attempt 1: waits \d+ ms · rate-limited \(rate_limited\)$/,
      );
      // Every attempt gets a 429 while the toggle is on: the typed error follows the retries.
      await poll(() => text('error-code')).toBe('rate_limited');
      expect(await page.getByTestId('retry-row').count()).toBe(2);
      expect(await text('retry-gave-up')).toMatch(/^gave up after 3 attempts/);
      expect(await text('stat-attempts')).toBe('3');
      expect(await page.getByTestId('timeline-retry').count()).toBe(2);
      await shot('09-retry');

      await page.getByTestId('fault-toggle-rate-limit').uncheck();
      await poll(() => page.getByTestId('fault-rate-limit').getAttribute('class')).toBe('');
      await expectNoKey();
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'stops a stream with the stop button: the partial answer stays and the call is settled at an estimate',
    async () => {
      const callsBefore = Number.parseInt(await text('session-calls'), 10);
      // The simulator sends three chunks (the role, then two tokens) and holds the stream
      // for a minute: only the stop can end it sooner.
      playground.stack.simulator.faults.enqueue({ kind: 'stall', ms: 60_000, afterChunks: 3 });
      await page.getByTestId('target').fill('simulator:sim-lorem');
      await page.getByTestId('prompt').fill('write 400 words');
      await page.getByTestId('send').click();
      // What arrived before the stall, as the inspector lists the chunks, is on the page.
      const chunks = page.getByTestId('chunks').last().locator('li');
      await poll(() => chunks.count()).toBe(3);
      const arrived = (await chunks.allTextContents())
        .map((data) => JSON.parse(data).choices[0]?.delta.content ?? '')
        .join('');
      expect(arrived).not.toBe('');
      await poll(() => text('answer-text')).toBe(arrived);
      expect(await text('stat-status')).toBe('streaming');

      await page.getByTestId('stop').click();
      await poll(() => text('stat-status')).toBe('stopped');
      expect(await text('answer-text')).toBe(arrived);
      // The server saw the connection close, aborted the call and settled its budget at an
      // estimate of exactly what was shown.
      await poll(() => text('session-calls')).toMatch(/\b1 estimated\)$/);
      expect(Number.parseInt(await text('session-calls'), 10)).toBe(callsBefore + 1);
      const entry = playground.stack.ledger.entries().at(-1);
      expect(entry).toMatchObject({ model: 'sim-lorem', stream: true, estimated: true });
      expect(entry?.usage.outputTokens).toBe(
        tiktokenEstimator.countText(arrived, 'sim-lorem').tokens,
      );
      const sent = playground.stack.simulator.log.filter('/v1/chat/completions').at(-1);
      expect(sent?.chunksSent).toBe(3);
      await shot('10-stopped');
      await page.getByTestId('target').fill('simulator:gpt-4o-mini');
    },
    STEP_TIMEOUT_MS,
  );

  it(
    '"New chat" during an answer starts clean: the stopped answer stays out of the new conversation',
    async () => {
      // The simulator holds this stream after its first chunks until the page lets go.
      playground.stack.simulator.faults.enqueue({ kind: 'stall', ms: 60_000, afterChunks: 3 });
      await page.getByTestId('target').fill('simulator:sim-lorem');
      await page.getByTestId('prompt').fill('write 400 words');
      await page.getByTestId('send').click();
      await poll(() => text('answer-text')).not.toBe('');
      await page.getByTestId('clear').click();
      // The old run settles (the server saw the page let go) before the next one starts.
      await poll(() => text('stat-status')).toBe('stopped');
      expect(await page.getByTestId('message-assistant').count()).toBe(0);

      await page.getByTestId('target').fill('simulator:gpt-4o-mini');
      await page.getByTestId('prompt').fill('A fresh start');
      await page.getByTestId('send').click();
      await poll(() => text('stat-status')).toBe('done');
      const sent = playground.stack.simulator.log.filter('/v1/chat/completions').at(-1);
      expect(sent?.body).toMatchObject({ messages: [{ role: 'user', content: 'A fresh start' }] });
      expect(await text('answer-text')).toBe('A fresh start');
      await shot('11-new-chat');
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'shows the typed code of an upstream that quotes the key back, never the key',
    async () => {
      await page.getByTestId('itab-timeline').click();
      await page.getByTestId('target').fill('echo:gpt-4o-mini');
      await page.getByTestId('prompt').fill('Echo check, streamed');
      await page.getByTestId('send').click();
      await poll(() => text('error-code')).toBe('stream_interrupted');
      expect(await text('error-message')).toContain('[redacted]');
      expect(await text('answer-text')).toBe(ECHO_PARTIAL_TEXT);
      await expectNoKey();

      await page.getByTestId('param-stream').uncheck();
      await page.getByTestId('prompt').fill('Echo check, not streamed');
      await page.getByTestId('send').click();
      await poll(() => text('error-code')).toBe('authentication');
      expect(await text('error-message')).toContain('Incorrect API key provided: [redacted]');
      await page.getByTestId('itab-response').click();
      await shot('12-key-echo');
      await expectNoKey();
      // The key did go out, and came back in both answers: the page masked it.
      expect(echo.keysSeen.filter((seen) => seen === key).length).toBeGreaterThanOrEqual(2);
      await page.getByTestId('param-stream').check();
      await page.getByTestId('target').fill('simulator:gpt-4o-mini');
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'exports the request as ply code that reads the key from the environment',
    async () => {
      await page.getByTestId('prompt').fill('Export me');
      await page.getByTestId('itab-code').click();
      await page.getByTestId('export').click();
      await poll(() => text('export-code')).toContain("content: 'Export me'");
      const code = await text('export-code');
      expect(code).toContain('apiKey: process.env.OPENAI_API_KEY');
      expect(code).toContain('costTracking(');
      expect(code).toContain('resilience(');
      await shot('13-export');
      await expectNoKey();
      expect(pageErrors).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );
  it(
    'asks once for the gateway key when the server wants one, and keeps it off the page',
    async () => {
      const gatewayKey = ['gw', 'playground', 'browser', 'test'].join('-');
      const guarded = await startPlaygroundServer({ stack: playground.stack, port: 0, gatewayKey });
      const guardedPage = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      let asked = 0;
      guardedPage.on('dialog', (dialog) => {
        asked += 1;
        void dialog.accept(gatewayKey);
      });
      try {
        await guardedPage.goto(guarded.url);
        await poll(() => guardedPage.getByTestId('connection').textContent()).toBe('live');
        expect(await guardedPage.getByTestId('target').inputValue()).toBe('simulator:gpt-4o-mini');
        expect(asked).toBe(1);
        expect(await guardedPage.content()).not.toContain(gatewayKey);
      } finally {
        await guardedPage.close();
        await guarded.close();
      }
    },
    STEP_TIMEOUT_MS,
  );
});
