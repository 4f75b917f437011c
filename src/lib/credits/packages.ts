import { loadCatalogue } from './catalogue';

/**
 * The credit packages on sale and the sign-up bonus. Edit here, then run `npm run stripe:sync`
 * (`npm start` syncs too). Amounts are integer minor units: 999 is $9.99.
 */
export const catalogue = loadCatalogue({
	signupBonus: { credits: 50, expiresInDays: 30 },
	packages: [
		{
			id: 'basic',
			name: 'Basic',
			credits: 100,
			unitAmount: 999,
			currency: 'usd',
			description: 'Perfect for getting started'
		},
		{
			id: 'standard',
			name: 'Standard',
			credits: 500,
			unitAmount: 3999,
			currency: 'usd',
			description: 'For regular use',
			popular: true
		},
		{
			id: 'premium',
			name: 'Premium',
			credits: 1200,
			unitAmount: 7999,
			currency: 'usd',
			description: 'For power users'
		},
		{
			id: 'enterprise',
			name: 'Enterprise',
			credits: 5000,
			unitAmount: 24999,
			currency: 'usd',
			description: 'For teams and heavy workloads'
		}
	]
});

export const packages = catalogue.packages;
export const activePackages = packages.filter((pkg) => pkg.active);
export const signupBonus = catalogue.signupBonus;

export function findActivePackage(id: string) {
	return activePackages.find((pkg) => pkg.id === id);
}
