/** `decodeURIComponent`, or the text as it is when its escapes spell nothing (`100%`, `%C3` alone). Pure. */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
