import { z } from 'zod';
import { passwordRules } from './password';

export const credentialsSchema = z.object({
	email: z
		.string({ error: 'Enter your email address.' })
		.trim()
		.toLowerCase()
		.min(1, 'Enter your email address.')
		.max(255, 'That email address is too long.')
		.pipe(z.email({ error: 'Enter a valid email address, like you@example.com.' })),
	password: z
		.string({ error: 'Enter your password.' })
		.min(passwordRules.min, `Use at least ${passwordRules.min} characters.`)
		.max(passwordRules.max, `Use at most ${passwordRules.max} characters.`)
});

export type Credentials = z.infer<typeof credentialsSchema>;

export type FieldErrors = Partial<Record<keyof Credentials, string>>;

/** Parses a sign-up or sign-in form into credentials or one message per field. */
export function parseCredentials(
	form: FormData
): { ok: true; data: Credentials } | { ok: false; errors: FieldErrors } {
	const result = credentialsSchema.safeParse({
		email: form.get('email') ?? '',
		password: form.get('password') ?? ''
	});
	if (result.success) return { ok: true, data: result.data };
	const errors: FieldErrors = {};
	for (const issue of result.error.issues) {
		const field = issue.path[0] as keyof Credentials;
		errors[field] ??= issue.message;
	}
	return { ok: false, errors };
}
