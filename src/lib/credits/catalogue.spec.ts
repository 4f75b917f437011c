import { describe, expect, it } from 'vitest';
import { CatalogueError, loadCatalogue, pricePer100Credits } from './catalogue';
import { activePackages, signupBonus } from './packages';

const basic = {
	id: 'basic',
	name: 'Basic',
	credits: 100,
	unitAmount: 999,
	currency: 'usd',
	description: 'Start here'
};
const bonus = { credits: 50, expiresInDays: 30 };

function messageOf(packages: object[], signupBonus: object = bonus) {
	try {
		loadCatalogue({ signupBonus, packages } as Parameters<typeof loadCatalogue>[0]);
	} catch (error) {
		expect(error).toBeInstanceOf(CatalogueError);
		return (error as Error).message;
	}
	throw new Error('expected loadCatalogue to throw');
}

describe('the credit package catalogue', () => {
	it('ships the four packages with Standard as the one popular package', () => {
		expect(
			activePackages.map((pkg) => [pkg.id, pkg.credits, pkg.unitAmount, pkg.currency])
		).toEqual([
			['basic', 100, 999, 'usd'],
			['standard', 500, 3999, 'usd'],
			['premium', 1200, 7999, 'usd'],
			['enterprise', 5000, 24999, 'usd']
		]);
		expect(activePackages.filter((pkg) => pkg.popular).map((pkg) => pkg.id)).toEqual(['standard']);
		expect(signupBonus).toEqual({ credits: 50, expiresInDays: 30 });
	});

	it('names the package and the field at fault', () => {
		expect(messageOf([basic, { ...basic }])).toBe(
			'Credit package "basic": id is used by more than one package'
		);
		expect(messageOf([{ ...basic, unitAmount: 9.99 }])).toBe(
			'Credit package "basic": unitAmount must be a whole number of minor units (cents)'
		);
		expect(messageOf([{ ...basic, credits: 0 }])).toBe(
			'Credit package "basic": credits must be more than 0 credits'
		);
		expect(messageOf([{ ...basic, currency: 'USD' }])).toContain(
			'Credit package "basic": currency must be a lower-case ISO 4217'
		);
		expect(messageOf([{ ...basic, currency: 'xyz' }])).toContain(
			'currency must be a lower-case ISO 4217'
		);
		expect(messageOf([{ ...basic, id: '' }])).toContain('Credit package #1: id must be');
		expect(
			messageOf([
				{ ...basic, popular: true },
				{ ...basic, id: 'big', popular: true }
			])
		).toBe(
			'Credit package "big": popular is already set on "basic"; only one package may be popular'
		);
		expect(messageOf([basic], { credits: -1, expiresInDays: 30 })).toBe(
			'Sign-up bonus: credits must be 0 (off) or more'
		);
	});

	it('refuses a package Stripe would refuse to charge for, naming it', () => {
		expect(messageOf([{ ...basic, unitAmount: 49 }])).toBe(
			'Credit package "basic": unitAmount must be at least 50: Stripe refuses to charge less in usd'
		);
		expect(messageOf([{ ...basic, unitAmount: 29, currency: 'gbp' }])).toBe(
			'Credit package "basic": unitAmount must be at least 30: Stripe refuses to charge less in gbp'
		);
		expect(messageOf([{ ...basic, id: 'yen', unitAmount: 49, currency: 'jpy' }])).toBe(
			'Credit package "yen": unitAmount must be at least 50: Stripe refuses to charge less in jpy'
		);
		// ISO 4217 codes Stripe does not charge in: gold and the IMF's drawing rights.
		for (const currency of ['xau', 'xdr'])
			expect(messageOf([{ ...basic, currency }])).toBe(
				'Credit package "basic": currency must be a lower-case ISO 4217 code of a currency Stripe charges in, such as "usd"'
			);
	});

	it('accepts Stripe’s minimum itself, and currencies whose minimum only Stripe can convert', () => {
		const load = (packages: object[]) =>
			loadCatalogue({ signupBonus: bonus, packages } as Parameters<typeof loadCatalogue>[0]);
		expect(load([{ ...basic, unitAmount: 50 }]).packages[0].unitAmount).toBe(50);
		expect(load([{ ...basic, unitAmount: 30, currency: 'gbp' }]).packages[0].currency).toBe('gbp');
		expect(load([{ ...basic, unitAmount: 1, currency: 'isk' }]).packages[0].currency).toBe('isk');
	});

	it('prices 100 credits of each package in minor units, rounded to the nearest unit', () => {
		expect(activePackages.map(pricePer100Credits)).toEqual([999, 800, 667, 500]);
		expect(pricePer100Credits({ credits: 3, unitAmount: 100 })).toBe(3333);
	});
});
