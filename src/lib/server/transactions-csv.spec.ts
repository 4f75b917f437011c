import { describe, expect, it } from 'vitest';
import { awaitable } from './ledger/async';
import { createTestLedger, dayMs } from './ledger/testing/ledger';
import { transactionsCsv } from './transactions-csv';

describe('transactionsCsv', () => {
	it('streams every transfer of the user, newest first, across pages, with the filters', async () => {
		const t = createTestLedger();
		t.ledger.grant({
			userId: 'ann',
			amount: 2000,
			category: 'paid',
			reason: 'Welcome, "friend", to the beta',
			reference: 'pur_1',
			actor: 'system',
			idempotencyKey: t.key()
		});
		t.advance(dayMs);
		for (let i = 0; i < 1200; i++)
			t.ledger.spend({ userId: 'ann', amount: 1, actor: 'user:ann', idempotencyKey: t.key() });
		const text = await new Response(transactionsCsv(awaitable(t.ledger), { userId: 'ann' })).text();
		const lines = text.split('\r\n');
		expect(lines[0]).toBe('date,type,credits,balance_after,description,reference');
		expect(lines[1]).toBe('2030-01-02T00:00:00.000Z,spend,-1,800,,');
		expect(lines[1201]).toBe(
			'2030-01-01T00:00:00.000Z,grant,2000,2000,"Welcome, ""friend"", to the beta",pur_1'
		);
		expect(lines).toHaveLength(1203);
		expect(lines[1202]).toBe('');

		const grants = await new Response(
			transactionsCsv(awaitable(t.ledger), { userId: 'ann', code: 'grant' })
		).text();
		expect(grants.split('\r\n')).toHaveLength(3);
	});
});
