export { default as Button, type ButtonProps, type ButtonVariant } from './button.svelte';
