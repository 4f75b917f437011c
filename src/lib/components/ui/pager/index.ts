export { default as Pager } from './pager.svelte';
export { pageLinks } from './page-links';
