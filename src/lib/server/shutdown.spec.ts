import { describe, expect, it, vi } from 'vitest';
import { closeDb } from './db';
import { serving, shutDownOnSignal } from './shutdown';

vi.mock('./db', () => ({ closeDb: vi.fn() }));
vi.mock('./jobs', () => ({ stopBackgroundJobs: vi.fn(async () => {}) }));
vi.mock('./log', () => ({ log: { info: vi.fn() } }));

const emitShutdown = () =>
	(process.emit as (event: string, reason: string) => boolean)('sveltekit:shutdown', 'SIGTERM');

describe('shutdown', () => {
	it('closes the database only after a handler whose client hung up has finished', async () => {
		let finish!: () => void;
		const handler = serving(() => new Promise<void>((resolve) => (finish = resolve)));
		shutDownOnSignal();
		emitShutdown();
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(closeDb).not.toHaveBeenCalled();

		finish();
		await handler;
		await vi.waitFor(() => expect(closeDb).toHaveBeenCalledTimes(1));
	});
});
