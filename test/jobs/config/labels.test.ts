// Prow's TestValidateLabels rows, and Kubernetes' qualified-name rules for annotation keys.
import { describe, expect, it } from 'vitest';
import { annotationsError, labelsError } from '../../../shared/jobs/config/labels.js';

describe("labelsError (Prow's validateLabels)", () => {
  it.each([
    { name: 'happy case', labels: {}, error: undefined },
    { name: 'a prefixed name and an empty value', labels: { 'preset.k8s.io/gcp': '', 'preset-dind-enabled': 'true' }, error: undefined },
    { name: 'reject reserved label', labels: { 'prow.k8s.io/type': 'anything' }, error: 'label prow.k8s.io/type is reserved for decoration' },
    { name: 'reject bad label key', labels: { '_underscore-prefix': 'annoying' }, error: /^invalid label _underscore-prefix: \[name part must consist of alphanumeric characters/ },
    { name: 'reject bad label value', labels: { whatever: '_private-is-rejected' }, error: /^label whatever has invalid value _private-is-rejected: \[a valid label must be an empty string/ },
    { name: 'a value over 63 characters', labels: { a: 'x'.repeat(64) }, error: /^label a has invalid value x+: \[must be no more than 63 characters\]$/ },
    { name: 'an upper-case prefix', labels: { 'Example.com/a': 'b' }, error: /^invalid label Example\.com\/a: \[prefix part a lowercase RFC 1123 subdomain/ },
  ] as { name: string; labels: Record<string, string>; error?: string | RegExp }[])('$name', ({ labels, error }) => {
    const found = labelsError(labels);
    if (error === undefined) expect(found).toBeUndefined();
    else if (typeof error === 'string') expect(found).toBe(error);
    else expect(found).toMatch(error);
  });
});

describe('annotationsError (Prow validateAnnotation)', () => {
  it.each([
    { name: 'testgrid annotations', annotations: { 'testgrid-dashboards': 'sig-testing', 'fork-per-release-periodic-interval': '2h' }, error: undefined },
    { name: 'a key with a space', annotations: { 'a b': 'c' }, error: /^invalid annotation key "a b": \[name part must consist/ },
    { name: 'two slashes', annotations: { 'a/b/c': 'd' }, error: /^invalid annotation key "a\/b\/c": \[a qualified name must consist/ },
  ] as { name: string; annotations: Record<string, string>; error?: RegExp }[])('$name', ({ annotations, error }) => {
    const found = annotationsError(annotations);
    if (error === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(error);
  });
});
