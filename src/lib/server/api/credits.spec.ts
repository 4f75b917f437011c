import { describe, expect, it } from 'vitest';
import { sqliteLedgerFor } from '../app-ledger';
import { perform, transaction } from '../db/unit';
import {
	captureHold,
	getBalance,
	getHold,
	holdCredits,
	listTransactions,
	releaseHold,
	spendCredits
} from './credits';
import { apiTestDb } from './testing/database';

const app = { kind: 'app', name: 'demo' } as const;

describe('the credits API in-process', () => {
	it('places a hold, captures the real cost and releases the rest, as the app’s own actor', async () => {
		const db = await apiTestDb(['ada']);
		const held = await perform(
			db,
			holdCredits(db, app, {
				user_id: 'ada',
				amount: 8,
				idempotency_key: 'haiku-1',
				expires_in_seconds: 60
			})
		);
		expect(held).toMatchObject({ ok: true, value: { status: 'pending', available: 92 } });
		const holdId = held.ok ? held.value.hold_id : 0;
		const captured = await perform(
			db,
			captureHold(db, app, holdId, { amount: 5, idempotency_key: 'haiku-1:done' })
		);
		expect(captured).toMatchObject({
			ok: true,
			value: { status: 'captured', captured: 5, balance: 95, available: 95 }
		});
		expect(await perform(db, getHold(db, app, holdId))).toEqual(captured);
		expect(await perform(db, releaseHold(db, app, holdId, {}))).toMatchObject({
			ok: false,
			error: { code: 'hold_not_pending' }
		});
		const actors = sqliteLedgerFor(db)
			.transfers({ userId: 'ada', code: ['hold', 'capture'] })
			.items.map((transfer) => transfer.actor);
		expect(actors).toEqual(['app:demo', 'app:demo']);
	});

	it('keeps a spend’s metadata with its transfer, once, and shows it in the history', async () => {
		const db = await apiTestDb(['ada']);
		const spend = {
			user_id: 'ada',
			amount: 3,
			idempotency_key: 'export-1',
			reason: 'export',
			metadata: { doc: '7' }
		};
		expect((await transaction(db, (tx) => spendCredits(tx, app, spend))).ok).toBe(true);
		expect((await transaction(db, (tx) => spendCredits(tx, app, spend))).ok).toBe(true);
		const history = await listTransactions(db, app, { user_id: 'ada' });
		expect(history.ok && history.value.data.map((t) => [t.type, t.metadata])).toEqual([
			['spend', { doc: '7' }],
			['grant', null]
		]);
	});

	it('lets a session read only its own account, the same way whether the other exists or not', async () => {
		const db = await apiTestDb(['ada', 'bob']);
		const session = { kind: 'session', userId: 'ada' } as const;
		expect(await getBalance(db, session, {})).toMatchObject({
			ok: true,
			value: { user_id: 'ada' }
		});
		const other = await getBalance(db, session, { user_id: 'bob' });
		expect(other).toMatchObject({ ok: false, error: { code: 'forbidden', param: 'user_id' } });
		expect(await getBalance(db, session, { user_id: 'ghost' })).toEqual(other);
		expect(await listTransactions(db, session, { user_id: 'bob' })).toEqual(other);
	});

	it('answers user_not_found for a user the app does not have, and writes nothing', async () => {
		const db = await apiTestDb([]);
		const spent = await perform(
			db,
			spendCredits(db, app, {
				user_id: 'ghost',
				amount: 1,
				idempotency_key: 'x',
				reason: 'x'
			})
		);
		expect(spent).toMatchObject({ ok: false, error: { code: 'user_not_found', param: 'user_id' } });
		expect(sqliteLedgerFor(db).transfers().items).toEqual([]);
	});
});
