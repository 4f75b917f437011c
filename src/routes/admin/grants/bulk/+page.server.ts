import { fail } from '@sveltejs/kit';
import { applyBulkGrant, previewBulkGrant } from '$lib/server/admin/bulk-grant';
import { maxBulkRows, readBulkUpload } from '$lib/server/admin/bulk-rows';
import { requireAdmin } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db';
import { readForm } from '$lib/server/http/form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	requireAdmin(event);
	return { maxBulkRows };
};

export const actions: Actions = {
	preview: async (event) => {
		const admin = requireAdmin(event);
		const read = await readBulkUpload(await readForm(event.request));
		if (!read.ok) return fail(400, { bulk: { error: read.message } });
		const report = await previewBulkGrant(getDb(), admin, read.upload);
		return { bulk: { stage: 'preview' as const, content: read.upload.content, report } };
	},
	apply: async (event) => {
		const admin = requireAdmin(event);
		const read = await readBulkUpload(await readForm(event.request));
		if (!read.ok) return fail(400, { bulk: { error: read.message } });
		// Not a grant that found nobody (that is audited as refused): input with no line to act on.
		const [first] = read.upload.malformed;
		if (read.upload.rows.length === 0)
			return fail(400, {
				bulk: { error: `No line can be granted. Line ${first.line}: ${first.message}` }
			});
		const report = await applyBulkGrant(getDb(), admin, read.upload);
		return { bulk: { stage: 'applied' as const, content: read.upload.content, report } };
	}
};
