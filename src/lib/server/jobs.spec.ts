import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from './db';
import { createLedger, type Ledger } from './ledger';

const shared = vi.hoisted(() => ({ ledger: undefined as Ledger | undefined }));
vi.mock('./app-ledger', () => ({ getLedger: () => shared.ledger! }));

const minuteMs = 60_000;
let ledger: Ledger;

const expiredCredits = () =>
	ledger
		.transfers({ userId: 'u1', code: 'expire' })
		.items.reduce((sum, transfer) => sum + transfer.amount, 0);

beforeEach(() => {
	vi.useFakeTimers();
	vi.resetModules();
	ledger = shared.ledger = createLedger(openDatabase(':memory:'));
	ledger.grant({
		userId: 'u1',
		amount: 40,
		category: 'free',
		expiresAt: new Date(Date.now() + 30_000),
		actor: 'test',
		idempotencyKey: 'gift'
	});
});

afterEach(() => {
	vi.useRealTimers();
	vi.restoreAllMocks();
});

async function startJobs() {
	const { startBackgroundJobs } = await import('./jobs');
	startBackgroundJobs();
}

describe('the background ledger sweep', () => {
	it('expires due lots every minute and rolls the system accounts up', async () => {
		const log = vi.spyOn(console, 'log').mockImplementation(() => {});
		await startJobs();
		expect(expiredCredits()).toBe(0);
		expect(log).not.toHaveBeenCalled();

		vi.advanceTimersByTime(minuteMs);
		expect(expiredCredits()).toBe(40);
		expect(ledger.balance('u1').balance).toBe(0);
		expect(log).toHaveBeenCalledWith('Expired 40 credits in 1 lots and 0 holds');
		const { after, through } = ledger.rollUp();
		expect(through).toBe(after);
		expect(ledger.verify()).toEqual([]);
	});

	it('logs a failing sweep and keeps sweeping', async () => {
		const failure = new Error('database is locked');
		vi.spyOn(ledger, 'expire').mockImplementationOnce(() => {
			throw failure;
		});
		const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
		vi.spyOn(console, 'log').mockImplementation(() => {});
		vi.setSystemTime(Date.now() + minuteMs);
		await startJobs();
		expect(errors).toHaveBeenCalledWith('Ledger sweep failed:', failure);
		expect(expiredCredits()).toBe(0);

		vi.advanceTimersByTime(minuteMs);
		expect(expiredCredits()).toBe(40);
		expect(errors).toHaveBeenCalledTimes(1);
	});
});

describe('which process runs the background jobs', () => {
	it('a lone server does; of cluster workers, only the one the primary names', async () => {
		const { jobsWorkerVariable, runsBackgroundJobs } = await import('./jobs');
		expect(runsBackgroundJobs({}, false)).toBe(true);
		expect(runsBackgroundJobs({ [jobsWorkerVariable]: '1' }, true)).toBe(true);
		expect(runsBackgroundJobs({}, true)).toBe(false);
	});
});
