// Prow's markdown.DropCodeBlock (pkg/markdown/code_block.go): fenced code blocks (``` or ~~~,
// opened at the start of a line and closed by a fence on a line of its own) are removed before
// trigger reads a comment, so a command quoted in a code block does not run. Compiled with RE2 so
// `(?msU)` (lazy by default) means what it means in Go.
import { RE2JS } from 're2js';

const codeBlock = RE2JS.compile('(?msU)^```.*(\n```\n|\n```$)|(?msU)^~~~.*(\n~~~\n|\n~~~$)');

/** The text with its fenced code blocks removed; an unclosed fence is left as it is. */
export const dropCodeBlock = (text: string): string => codeBlock.matcher(text).replaceAll('');
