/**
 * Two values that make `labelSet('m', { x: value })` hash alike (`LabelSet.hash`, 32-bit FNV-1a): found by
 * enumerating `v<n>` until two hashes matched. For tests of hash tables that must tell such sets apart.
 */
export const COLLIDING_VALUES = ['v314593', 'v1080910'] as const;
