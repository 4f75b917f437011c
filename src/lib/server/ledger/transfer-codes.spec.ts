import { describe, expect, it } from 'vitest';
import { transferCodes, type TransferCode } from './schema';
import { effectOf, grantCodes, ruleOf } from './transfer-codes';
import { lotCodes } from './verify';
import { counterpartOf, expectedEffectOf } from './verify-history';

/** Every code with the hold ids it is written with: hold codes always carry one, `expire` either. */
const cases: [TransferCode, number | null][] = transferCodes.flatMap(
	(code): [TransferCode, number | null][] => {
		if (code === 'hold' || code === 'capture' || code === 'release') return [[code, 1]];
		if (code === 'expire')
			return [
				[code, null],
				[code, 1]
			];
		return [[code, null]];
	}
);

function verifyLotsOf(code: TransferCode, holdId: number | null) {
	if (code === 'expire' && holdId !== null) return 'none';
	const found = Object.entries(lotCodes).find(([, codes]) =>
		(codes as readonly string[]).includes(code)
	);
	return found?.[0] ?? 'none';
}

describe('transfer codes', () => {
	it.each(cases)('%s (hold %s): the ledger table and verify’s copy agree', (code, holdId) => {
		const rule = ruleOf(code, holdId);
		const counterpart = counterpartOf(code, holdId);
		expect({ system: rule.system, toUser: rule.userSide === 'credit' }).toEqual({
			system: counterpart.kind,
			toUser: counterpart.toUser
		});
		expect(effectOf(rule, 7)).toEqual(expectedEffectOf(code, holdId, 7));
		expect(rule.lots).toBe(verifyLotsOf(code, holdId));
	});

	it('grants are exactly the codes that open a lot', () => {
		expect(grantCodes).toEqual(['purchase', 'grant', 'reinstate']);
	});
});
