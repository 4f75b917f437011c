import { createHmac } from 'node:crypto';

/** The `Stripe-Signature` header value exactly as Stripe computes it: HMAC-SHA256 of `t.payload`. */
export function signPayload(
	payload: string,
	secret: string,
	timestamp = Math.floor(Date.now() / 1000)
): string {
	const signature = createHmac('sha256', secret)
		.update(`${timestamp}.${payload}`, 'utf8')
		.digest('hex');
	return `t=${timestamp},v1=${signature}`;
}
