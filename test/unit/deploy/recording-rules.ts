import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { repoPath } from './repo-root.js';

/** One rule of a Prometheus rule file (recording or alerting). */
export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A rule file under prometheus/rules/, parsed. */
export interface RuleFile {
  fileName: string;
  groups: { name: string; rules: Rule[] }[];
}

export function loadRuleFiles(): RuleFile[] {
  const dir = repoPath('prometheus', 'rules');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yml'))
    .sort()
    .map((fileName) => ({
      fileName,
      ...(parse(readFileSync(`${dir}/${fileName}`, 'utf8')) as Omit<RuleFile, 'fileName'>),
    }));
}

export function allRules(): Rule[] {
  return loadRuleFiles().flatMap((file) => file.groups.flatMap((group) => group.rules));
}

/** Names of the series our recording rules define. */
export function recordedNames(): string[] {
  return allRules().flatMap((rule) => (rule.record === undefined ? [] : [rule.record]));
}
