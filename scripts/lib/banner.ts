import type { DemoLogin } from '../../src/lib/server/demo';

export type BannerFacts = {
	appUrl: string;
	listening: string;
	/** The emulator's URL in demo mode; undefined with a real Stripe key. */
	emulatorUrl: string | undefined;
	logins: DemoLogin[];
};

/** What `npm start` and `npm run dev` print once the app answers: one function, so they never differ. */
export function formatBanner({ appUrl, listening, emulatorUrl, logins }: BannerFacts): string {
	const lines = [`Credits is running at ${appUrl} (listening ${listening})`];
	if (emulatorUrl) {
		lines.push(`  Stripe emulator: ${emulatorUrl} (no STRIPE_SECRET_KEY set, so no real payments)`);
	} else {
		lines.push(`  Expects browsers at ORIGIN=${appUrl}; forms from any other origin are refused`);
	}
	for (const login of logins)
		lines.push(`  demo ${login.role.padEnd(5)}  ${login.email}  password: ${login.password}`);
	return lines.join('\n');
}
