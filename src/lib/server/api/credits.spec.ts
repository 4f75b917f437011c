import { describe, expect, it } from 'vitest';
import { getLedgerFor } from '../app-ledger';
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
	it('places a hold, captures the real cost and releases the rest, as the app’s own actor', () => {
		const db = apiTestDb(['ada']);
		const held = holdCredits(db, app, {
			user_id: 'ada',
			amount: 8,
			idempotency_key: 'haiku-1',
			expires_in_seconds: 60
		});
		expect(held).toMatchObject({ ok: true, value: { status: 'pending', available: 92 } });
		const holdId = held.ok ? held.value.hold_id : 0;
		const captured = captureHold(db, app, holdId, { amount: 5, idempotency_key: 'haiku-1:done' });
		expect(captured).toMatchObject({
			ok: true,
			value: { status: 'captured', captured: 5, balance: 95, available: 95 }
		});
		expect(getHold(db, app, holdId)).toEqual(captured);
		expect(releaseHold(db, app, holdId, {})).toMatchObject({
			ok: false,
			error: { code: 'hold_not_pending' }
		});
		const actors = getLedgerFor(db)
			.transfers({ userId: 'ada', code: ['hold', 'capture'] })
			.items.map((transfer) => transfer.actor);
		expect(actors).toEqual(['app:demo', 'app:demo']);
	});

	it('keeps a spend’s metadata with its transfer, once, and shows it in the history', () => {
		const db = apiTestDb(['ada']);
		const spend = {
			user_id: 'ada',
			amount: 3,
			idempotency_key: 'export-1',
			reason: 'export',
			metadata: { doc: '7' }
		};
		expect(spendCredits(db, app, spend).ok).toBe(true);
		expect(spendCredits(db, app, spend).ok).toBe(true);
		const history = listTransactions(db, app, { user_id: 'ada' });
		expect(history.ok && history.value.data.map((t) => [t.type, t.metadata])).toEqual([
			['spend', { doc: '7' }],
			['grant', null]
		]);
	});

	it('lets a session read only its own account, the same way whether the other exists or not', () => {
		const db = apiTestDb(['ada', 'bob']);
		const session = { kind: 'session', userId: 'ada' } as const;
		expect(getBalance(db, session, {})).toMatchObject({ ok: true, value: { user_id: 'ada' } });
		const other = getBalance(db, session, { user_id: 'bob' });
		expect(other).toMatchObject({ ok: false, error: { code: 'forbidden', param: 'user_id' } });
		expect(getBalance(db, session, { user_id: 'ghost' })).toEqual(other);
		expect(listTransactions(db, session, { user_id: 'bob' })).toEqual(other);
	});

	it('answers user_not_found for a user the app does not have, and writes nothing', () => {
		const db = apiTestDb([]);
		const spent = spendCredits(db, app, {
			user_id: 'ghost',
			amount: 1,
			idempotency_key: 'x',
			reason: 'x'
		});
		expect(spent).toMatchObject({ ok: false, error: { code: 'user_not_found', param: 'user_id' } });
		expect(getLedgerFor(db).transfers().items).toEqual([]);
	});
});
