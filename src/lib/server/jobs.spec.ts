import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from './db';
import { createLedger, type Ledger } from './ledger';

const shared = vi.hoisted(() => ({
	ledger: undefined as Ledger | undefined,
	db: undefined as Db | undefined
}));
vi.mock('./app-ledger', () => ({ getLedger: () => shared.ledger! }));
const reconciliation = vi.hoisted(() => ({ runs: 0 }));
vi.mock('./db', async (original) => ({
	...(await original<typeof import('./db')>()),
	getDb: () => shared.db!
}));
vi.mock('./stripe/client', () => ({ getStripe: () => ({}) }));
vi.mock('./stripe/reconcile', () => ({
	reconcileStripe: async () => {
		reconciliation.runs++;
		return { checked: {}, repairs: { credit: 0 }, problems: [] };
	}
}));

const minuteMs = 60_000;
let ledger: Ledger;

const expiredCredits = () =>
	ledger
		.transfers({ userId: 'u1', code: 'expire' })
		.items.reduce((sum, transfer) => sum + transfer.amount, 0);

beforeEach(() => {
	reconciliation.runs = 0;
	vi.useFakeTimers();
	vi.resetModules();
	shared.db = openDatabase(':memory:');
	ledger = shared.ledger = createLedger(shared.db);
	ledger.grant({
		userId: 'u1',
		amount: 40,
		category: 'free',
		expiresAt: new Date(Date.now() + 30_000),
		actor: 'test',
		idempotencyKey: 'gift'
	});
});

afterEach(async () => {
	const { stopBackgroundJobs } = await import('./jobs');
	await stopBackgroundJobs();
	vi.useRealTimers();
	vi.restoreAllMocks();
});

// After resetModules the jobs module gets a fresh logger too: spy on that one.
async function logger() {
	return (await import('./log')).log;
}

async function startJobs() {
	const { startBackgroundJobs } = await import('./jobs');
	startBackgroundJobs();
}

describe('the background ledger sweep', () => {
	it('expires due lots every minute and rolls the system accounts up', async () => {
		const info = vi.spyOn(await logger(), 'info').mockImplementation(() => {});
		await startJobs();
		expect(expiredCredits()).toBe(0);
		expect(info).not.toHaveBeenCalled();

		await vi.advanceTimersByTimeAsync(minuteMs);
		expect(expiredCredits()).toBe(40);
		expect(ledger.balance('u1').balance).toBe(0);
		expect(info).toHaveBeenCalledWith(
			{ job: 'ledger-sweep', accounts: 1, lots: 1, holds: 0, credits: 40 },
			'expired'
		);
		const { after, through } = ledger.rollUp();
		expect(through).toBe(after);
		expect(ledger.verify()).toEqual([]);
	});

	it('logs a failing sweep and keeps sweeping', async () => {
		const failure = new Error('database is locked');
		vi.spyOn(ledger, 'expire').mockImplementationOnce(() => {
			throw failure;
		});
		const errors = vi.spyOn(await logger(), 'error').mockImplementation(() => {});
		vi.spyOn(await logger(), 'info').mockImplementation(() => {});
		vi.setSystemTime(Date.now() + minuteMs);
		await startJobs();
		expect(errors).toHaveBeenCalledWith(
			{ job: 'ledger-sweep', err: failure },
			'ledger sweep failed'
		);
		expect(expiredCredits()).toBe(0);

		await vi.advanceTimersByTimeAsync(minuteMs);
		expect(expiredCredits()).toBe(40);
		expect(errors).toHaveBeenCalledTimes(1);
	});

	it('stops sweeping once stopped', async () => {
		vi.spyOn(await logger(), 'info').mockImplementation(() => {});
		const { startBackgroundJobs, stopBackgroundJobs } = await import('./jobs');
		startBackgroundJobs();
		await stopBackgroundJobs();
		vi.advanceTimersByTime(minuteMs);
		expect(expiredCredits()).toBe(0);
	});

	it('reconciles with Stripe every 15 minutes until stopped', async () => {
		vi.spyOn(await logger(), 'info').mockImplementation(() => {});
		const { startBackgroundJobs, stopBackgroundJobs } = await import('./jobs');
		startBackgroundJobs();
		await vi.advanceTimersByTimeAsync(15 * minuteMs);
		expect(reconciliation.runs).toBe(1);
		await vi.advanceTimersByTimeAsync(15 * minuteMs);
		expect(reconciliation.runs).toBe(2);
		await stopBackgroundJobs();
		await vi.advanceTimersByTimeAsync(30 * minuteMs);
		expect(reconciliation.runs).toBe(2);
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
