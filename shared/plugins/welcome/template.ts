// The welcome message's template: the small part of Go's html/template that Prow's welcome
// templates use. Prow runs `message_template` through html/template with a PRInfo value
// (pkg/plugins/welcome/welcome.go); Skiff renders exactly these actions:
//
//   {{.AuthorLogin}}  {{.AuthorName}}  {{.Org}}  {{.Repo}}
//
// with spaces inside the braces allowed (`{{ .Org }}`) and Go's trim markers (`{{- .Org -}}`
// drops the whitespace before or after). Anything else between `{{` and `}}` (pipelines, `if`,
// `range`, functions, comments, other fields) is refused when the config loads, naming the action,
// rather than rendered wrongly. Text outside actions is copied as is, so a stray `}}` is text, as
// in Go.
//
// Values are HTML-escaped as html/template escapes them in text (`&`, `<`, `>`, `"`, `'`, `+`,
// NUL). html/template picks its escaper by context (inside an `href`, it percent-encodes); Skiff
// always uses the text one. For logins, org and repository names, which have none of those
// characters, both give the same text; only an author name with one of them inside an HTML
// attribute would come out differently.

/** The fields of Prow's PRInfo. */
export interface WelcomeInfo {
  Org: string;
  Repo: string;
  AuthorLogin: string;
  AuthorName: string;
}

export const templateFields: readonly (keyof WelcomeInfo)[] = ['AuthorLogin', 'AuthorName', 'Org', 'Repo'];

type Segment = { text: string } | { field: keyof WelcomeInfo };

export type ParsedTemplate = { ok: true; segments: Segment[] } | { ok: false; error: string };

const supported = templateFields.map((f) => `{{.${f}}}`).join(', ');

// Go's lexer: a trim marker is a dash next to the delimiter with a space on its inner side.
const leftTrim = /^-[ \t\r\n]/;
const rightTrim = /[ \t\r\n]-$/;

/** Splits a template into text and fields, or says which action is not supported and where. */
export function parseTemplate(template: string): ParsedTemplate {
  const segments: Segment[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open < 0) {
      text += template.slice(i);
      break;
    }
    const close = template.indexOf('}}', open + 2);
    if (close < 0) return { ok: false, error: `unclosed action at offset ${open}: "{{" has no "}}"` };
    let inner = template.slice(open + 2, close);
    text += template.slice(i, open);
    i = close + 2;
    if (leftTrim.test(inner)) {
      inner = inner.slice(1);
      text = text.replace(/[ \t\r\n]+$/, '');
    }
    let trimAfter = false;
    if (rightTrim.test(inner)) {
      inner = inner.slice(0, -1);
      trimAfter = true;
    }
    const field = /^[ \t\r\n]*\.([A-Za-z_][A-Za-z0-9_]*)[ \t\r\n]*$/.exec(inner)?.[1];
    if (!field || !(templateFields as readonly string[]).includes(field)) {
      const action = template.slice(open, close + 2);
      const why = field ? `there is no field ${field} (field names are case-sensitive)` : 'only single fields are rendered';
      return { ok: false, error: `${JSON.stringify(action)} at offset ${open} is not supported: ${why}; the template may use ${supported}` };
    }
    if (text) segments.push({ text });
    text = '';
    segments.push({ field: field as keyof WelcomeInfo });
    if (trimAfter) {
      while (i < template.length && ' \t\r\n'.includes(template[i]!)) i++;
    }
  }
  if (text) segments.push({ text });
  return { ok: true, segments };
}

// html/template's htmlEscaper for text (htmlReplacementTable).
const htmlReplacements: Record<string, string> = { '\0': '\uFFFD', '"': '&#34;', "'": '&#39;', '&': '&amp;', '+': '&#43;', '<': '&lt;', '>': '&gt;' };

export const escapeHtml = (value: string) => value.replace(/[\0"'&+<>]/g, (ch) => htmlReplacements[ch]!);

/** Renders a parsed template (see parseTemplate; an invalid one never reaches here). */
export function renderTemplate(segments: readonly Segment[], info: WelcomeInfo): string {
  return segments.map((s) => ('text' in s ? s.text : escapeHtml(info[s.field]))).join('');
}
