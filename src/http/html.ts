/** Escapes text for HTML element content and attribute values (the five characters that matter). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
