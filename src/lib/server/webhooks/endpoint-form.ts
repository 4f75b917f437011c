import { z } from 'zod';
import { webhookEventTypes, type WebhookEventType } from '../../types';
import { creditsField } from '../admin/adjust';
import { parseFields, type FieldErrors, type FieldValues } from '../admin/form-fields';

export type EndpointInput = {
	url: string;
	description: string;
	eventTypes: WebhookEventType[];
	lowBalanceThreshold: number | null;
};

const urlField = z
	.string({ error: 'Enter the URL that receives the webhooks.' })
	.trim()
	.min(1, 'Enter the URL that receives the webhooks.')
	.max(2000, 'Keep the URL to 2,000 characters or fewer.')
	.refine((text) => URL.canParse(text), {
		message: 'Enter a full URL, like https://app.example.com/webhooks/credits.',
		abort: true
	})
	.refine((text) => ['http:', 'https:'].includes(new URL(text).protocol), {
		message: 'Only http:// and https:// URLs can receive webhooks.',
		abort: true
	})
	.refine((text) => !new URL(text).username && !new URL(text).password, {
		message: 'Leave credentials out of the URL: every delivery is signed instead.'
	});

const fields = z.object({
	url: urlField,
	description: z
		.string()
		.trim()
		.max(200, 'Keep the description to 200 characters or fewer.')
		.optional()
		.default(''),
	lowBalanceThreshold: z
		.string()
		.trim()
		.optional()
		.transform((text) => text || undefined)
		.pipe(creditsField.optional())
});

export type ParsedEndpoint =
	| { ok: true; input: EndpointInput; values: FieldValues }
	| { ok: false; values: FieldValues; errors: FieldErrors };

/** The register form: text fields, and the ticked event types (field `eventTypes`, repeated). */
export function parseEndpointForm(form: FormData): ParsedEndpoint {
	const parsed = parseFields(fields, form, ['url', 'description', 'lowBalanceThreshold']);
	const ticked = form.getAll('eventTypes').map(String);
	const values: FieldValues = { ...parsed.values, eventTypes: ticked.join(',') };
	const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors };
	const eventTypes = webhookEventTypes.filter((type) => ticked.includes(type));
	if (ticked.length === 0) errors.eventTypes = 'Choose at least one event to send.';
	else if (eventTypes.length !== ticked.length) errors.eventTypes = 'Choose events from the list.';
	const wantsLow = eventTypes.includes('balance.low');
	const hasThreshold = Boolean(values.lowBalanceThreshold?.trim());
	if (wantsLow && !hasThreshold)
		errors.lowBalanceThreshold ??= 'balance.low needs a threshold in credits.';
	if (!wantsLow && hasThreshold)
		errors.lowBalanceThreshold ??=
			'Only balance.low uses a threshold: tick it or leave this empty.';
	if (parsed.ok && Object.keys(errors).length === 0) {
		const { url, description, lowBalanceThreshold = null } = parsed.data;
		return { ok: true, input: { url, description, eventTypes, lowBalanceThreshold }, values };
	}
	return { ok: false, values, errors };
}
