import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createSaver } from './persistence';
import { startEmulator } from './server';
import { createStore } from './store';
import { connectStripe, control, createPrice, createSession, submitPayment } from './testing';

const directory = mkdtempSync(join(tmpdir(), 'stripe-emulator-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('state file', () => {
	it('keeps customers and payments across a restart', async () => {
		const stateFile = join(directory, 'restart.json');
		const first = await startEmulator({ port: 0, stateFile });
		const stripe = connectStripe(first);
		const customer = await stripe.customers.create({ email: 'kept@example.com' });
		const session = await createSession(stripe, await createPrice(stripe), {
			customer: customer.id
		});
		await submitPayment(session.url ?? '', { card_number: '4242424242424242' });
		await first.close();

		const second = await startEmulator({ port: 0, stateFile });
		const again = connectStripe(second);
		expect(await again.customers.retrieve(customer.id)).toMatchObject({
			email: 'kept@example.com'
		});
		const paid = await again.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
		expect(paid).toMatchObject({ payment_status: 'paid', line_items: { data: [{ quantity: 1 }] } });
		expect((await again.events.list()).data).toHaveLength(5);

		expect((await control(second, 'reset')).status).toBe(200);
		await expect(again.customers.retrieve(customer.id)).rejects.toMatchObject({ statusCode: 404 });
		await second.close();
	});
});

describe('saving', () => {
	afterEach(() => vi.useRealTimers());

	// Found by the 1,000-purchase webhook storm: a 20 MB state rewritten every 200 ms starved the emulator.
	it('waits four times as long as the last save took before saving again', () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		const file = join(directory, 'slow.json');
		const clock = [0, 500];
		const saver = createSaver(createStore(), file, 200, () => clock.shift() ?? 0);
		saver.schedule();
		vi.advanceTimersByTime(200);
		expect(existsSync(file)).toBe(true);
		rmSync(file);

		saver.schedule();
		vi.advanceTimersByTime(1999);
		expect(existsSync(file)).toBe(false);
		vi.advanceTimersByTime(1);
		expect(existsSync(file)).toBe(true);
	});
});

describe('command line', () => {
	it('prints its URL, answers, and saves state on SIGTERM', async () => {
		const stateFile = join(directory, 'cli.json');
		const main = fileURLToPath(new URL('./main.ts', import.meta.url));
		const child = spawn(process.execPath, ['--import', 'tsx', main], {
			env: { ...process.env, STRIPE_EMULATOR_PORT: '0', STRIPE_EMULATOR_STATE_FILE: stateFile },
			stdio: ['ignore', 'pipe', 'inherit']
		});
		// Its first line; the lines after it may arrive in the same chunk.
		const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
		const match = line.match(/^Stripe emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/);
		expect(match).not.toBeNull();
		const health = await fetch(`${match?.[1]}/_emulator/health`);
		expect(await health.json()).toEqual({ ok: true });
		const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
		child.kill('SIGTERM');
		expect(await exited).toBe(0);
		expect(existsSync(stateFile)).toBe(true);
	});
});
