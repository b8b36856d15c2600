// Prow's validateLabels / validateAnnotation (pkg/config/config.go): Kubernetes' qualified-name
// and label-value rules (apimachinery validation.IsQualifiedName / IsValidLabelValue), with
// their messages, since Prow puts a job's labels on its ProwJob and pod.

/** decorate.Labels(): labels Prow sets on every ProwJob itself. */
const reserved = ['prow.k8s.io/type', 'created-by-prow', 'prow.k8s.io/id'];

const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedName = new RegExp(`^${qualifiedNameFmt}$`);
const labelValue = new RegExp(`^(${qualifiedNameFmt})?$`);
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const nameMsg =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const valueMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** IsQualifiedName: `[prefix/]name`. */
export function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  let name = value;
  const errs: string[] = [];
  if (parts.length === 2) {
    const [prefix = '', n = ''] = parts;
    name = n;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else {
      if (prefix.length > 253) errs.push('prefix part must be no more than 253 characters');
      if (!dns1123Subdomain.test(prefix)) errs.push(`prefix part ${subdomainMsg}`);
    }
  } else if (parts.length > 2) {
    return [`a qualified name ${nameMsg.replace('name part ', '')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length > 0 && !qualifiedName.test(name)) errs.push(nameMsg);
  return errs;
}

export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!labelValue.test(value)) errs.push(valueMsg);
  return errs;
}

/** Go's %v of a []string. */
const list = (items: string[]) => `[${items.join(' ')}]`;

/** Prow's first complaint about a job's labels, in Prow's words, or undefined. */
export function labelsError(labels: Record<string, string>): string | undefined {
  for (const [label, value] of Object.entries(labels)) {
    if (reserved.includes(label)) return `label ${label} is reserved for decoration`;
    const nameErrs = qualifiedNameErrors(label);
    if (nameErrs.length) return `invalid label ${label}: ${list(nameErrs)}`;
    const valueErrs = labelValueErrors(value);
    if (valueErrs.length) return `label ${label} has invalid value ${value}: ${list(valueErrs)}`;
  }
  return undefined;
}

export function annotationsError(annotations: Record<string, string>): string | undefined {
  for (const key of Object.keys(annotations)) {
    const errs = qualifiedNameErrors(key);
    if (errs.length) return `invalid annotation key ${JSON.stringify(key)}: ${list(errs)}`;
  }
  return undefined;
}
