import { z } from 'zod';
import { minimumChargeMinor, stripeCurrencies } from './stripe-currencies';

const wholePositive = (what: string) =>
	z
		.number({ error: `must be a number of ${what}` })
		.int(`must be a whole number of ${what}`)
		.positive(`must be more than 0 ${what}`);

export const creditPackageSchema = z
	.object({
		id: z
			.string()
			.regex(/^[a-z0-9_-]{1,40}$/, 'must be 1–40 lower-case letters, digits, "-" or "_"'),
		name: z.string().trim().min(1, 'must not be empty'),
		credits: wholePositive('credits'),
		unitAmount: wholePositive('minor units (cents)'),
		currency: z
			.string()
			.refine(
				(code) => stripeCurrencies.has(code),
				'must be a lower-case ISO 4217 code of a currency Stripe charges in, such as "usd"'
			),
		description: z.string().trim().min(1, 'must not be empty'),
		popular: z.boolean().default(false),
		expiresInDays: wholePositive('days').optional(),
		active: z.boolean().default(true)
	})
	.superRefine(({ unitAmount, currency }, context) => {
		const minimum = minimumChargeMinor[currency];
		if (minimum !== undefined && unitAmount < minimum)
			context.addIssue({
				code: 'custom',
				path: ['unitAmount'],
				message: `must be at least ${minimum}: Stripe refuses to charge less in ${currency}`
			});
	});

export const signupBonusSchema = z.object({
	credits: z.number().int('must be a whole number of credits').min(0, 'must be 0 (off) or more'),
	expiresInDays: wholePositive('days')
});

export type CreditPackage = z.infer<typeof creditPackageSchema>;
export type SignupBonus = z.infer<typeof signupBonusSchema>;
export type Catalogue = { signupBonus: SignupBonus; packages: CreditPackage[] };

export class CatalogueError extends Error {}

/** Validates the catalogue; the error names the package and field at fault. */
export function loadCatalogue(input: {
	signupBonus: z.input<typeof signupBonusSchema>;
	packages: z.input<typeof creditPackageSchema>[];
}): Catalogue {
	const bonus = signupBonusSchema.safeParse(input.signupBonus);
	if (!bonus.success) {
		const issue = bonus.error.issues[0];
		throw new CatalogueError(`Sign-up bonus: ${String(issue.path[0])} ${issue.message}`);
	}
	const packages = input.packages.map((raw, index) => {
		const result = creditPackageSchema.safeParse(raw);
		if (result.success) return result.data;
		const issue = result.error.issues[0];
		const name = typeof raw?.id === 'string' && raw.id ? `"${raw.id}"` : `#${index + 1}`;
		throw new CatalogueError(`Credit package ${name}: ${String(issue.path[0])} ${issue.message}`);
	});
	const seen = new Set<string>();
	for (const pkg of packages) {
		if (seen.has(pkg.id))
			throw new CatalogueError(`Credit package "${pkg.id}": id is used by more than one package`);
		seen.add(pkg.id);
	}
	const popular = packages.filter((pkg) => pkg.popular);
	if (popular.length > 1) {
		throw new CatalogueError(
			`Credit package "${popular[1].id}": popular is already set on "${popular[0].id}"; only one package may be popular`
		);
	}
	return { signupBonus: bonus.data, packages };
}

/** What 100 of the package's credits cost, in its currency's minor units, rounded to the nearest unit. */
export function pricePer100Credits(pkg: Pick<CreditPackage, 'credits' | 'unitAmount'>): number {
	return Math.round((pkg.unitAmount * 100) / pkg.credits);
}
