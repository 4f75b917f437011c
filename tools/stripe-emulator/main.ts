import { existsSync } from 'node:fs';
import { describeDelivery } from './delivery';
import { startEmulator } from './server';

// Like the app's scripts (which this program does not import): `.env` fills what the environment leaves unset.
if (existsSync('.env')) process.loadEnvFile('.env');

const port = Number(process.env.STRIPE_EMULATOR_PORT ?? 12111);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
	console.error('STRIPE_EMULATOR_PORT must be a port number');
	process.exit(1);
}
const webhookUrl = process.env.STRIPE_EMULATOR_WEBHOOK_URL || undefined;
const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET || undefined;
if (webhookUrl && !webhookSecret) {
	console.error(
		'STRIPE_WEBHOOK_SECRET is not set: events are signed with a random secret the receiver cannot know'
	);
}

const secretKeys = process.env.STRIPE_EMULATOR_SECRET_KEYS?.split(',')
	.map((key) => key.trim())
	.filter(Boolean);

const emulator = await startEmulator({
	port,
	webhookUrl,
	webhookSecret,
	secretKeys: secretKeys?.length ? secretKeys : undefined,
	stateFile: process.env.STRIPE_EMULATOR_STATE_FILE || undefined
}).catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
console.log(`Stripe emulator listening on ${emulator.url}`);
console.log(describeDelivery(emulator.delivery));
if (!secretKeys?.length)
	console.log('API keys: any sk_test_… is accepted (STRIPE_EMULATOR_SECRET_KEYS names yours)');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		emulator.close().then(
			() => process.exit(0),
			(error: unknown) => {
				console.error(error);
				process.exit(1);
			}
		);
	});
}
