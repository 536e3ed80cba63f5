/** A piece of advice text as the page shows it: plain, code, bold, or a link shown as its words and its target (never followed). */
export type InlineSegment =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong'; text: string }
  | { kind: 'link'; text: string; target: string };

const INLINE = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;

/**
 * Splits the small Markdown subset service messages use (`code`, **bold**, [words](target)) into
 * segments the page renders as elements, so no message is ever parsed as HTML. Anything else,
 * unbalanced markers included, stays as the text it is.
 */
export function inlineMarkdown(source: string): InlineSegment[] {
  const segments: InlineSegment[] = [];
  let last = 0;
  for (const match of source.matchAll(INLINE)) {
    if (match.index > last) segments.push({ kind: 'text', text: source.slice(last, match.index) });
    const [, code, strong, linkText, target] = match;
    if (code !== undefined) segments.push({ kind: 'code', text: code });
    else if (strong !== undefined) segments.push({ kind: 'strong', text: strong });
    else segments.push({ kind: 'link', text: linkText!, target: target! });
    last = match.index + match[0].length;
  }
  if (last < source.length) segments.push({ kind: 'text', text: source.slice(last) });
  return segments;
}
