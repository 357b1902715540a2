import { LabelSelector } from '@kubernetes-models/apimachinery/apis/meta/v1/LabelSelector';
import { ObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';

// Validation of deploy/k8s/ objects against Kubernetes' own OpenAPI schemas, as compiled by the
// kubernetes-models package (the API version it tracks is in its README).

/** A manifest object as parsed from YAML. */
export type K8sObject = Record<string, unknown> & { apiVersion?: string; kind?: string };

interface ModelClass {
  new (data: K8sObject): { validate(): void; toJSON(): unknown };
  prototype: { validate(): void };
}

const MODELS: Record<string, ModelClass> = {
  'apps/v1 Deployment': Deployment as unknown as ModelClass,
  'v1 ConfigMap': ConfigMap as unknown as ModelClass,
  'v1 Secret': Secret as unknown as ModelClass,
  'v1 Service': Service as unknown as ModelClass,
};

/**
 * Wraps a JSON value so that every object key a validator reads is recorded (by its path). The
 * compiled schemas read each property they know (`data.selector`, `data.replicas` …) and iterate maps
 * (labels, ConfigMap data); a key never read is one the schema does not have. The schemas do not set
 * additionalProperties: false, so without this a misspelt field (`readinesProbe`) would pass.
 */
function tracked(value: unknown, path: string, seen: Set<string>): unknown {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value as object, {
    get(target, key, receiver) {
      const child = Reflect.get(target, key, receiver);
      if (typeof key !== 'string' || !Object.hasOwn(target, key)) return child;
      const at = Array.isArray(target) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
      if (!Array.isArray(target)) seen.add(at);
      return tracked(child, at, seen);
    },
  });
}

/** Every object key of a JSON value, by path (array elements as [i]). */
function keyPaths(value: unknown, path = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => keyPaths(v, `${path}[${i}]`));
  return Object.entries(value).flatMap(([k, v]) => {
    const at = path === '' ? k : `${path}.${k}`;
    return [at, ...keyPaths(v, at)];
  });
}

/** The kinds this module validates with Kubernetes' schemas. */
export function hasModel(obj: K8sObject): boolean {
  return `${obj.apiVersion} ${obj.kind}` in MODELS;
}

/** Validates a value with a model's schema, then rejects the fields that schema does not know. */
function strictlyValid(Model: ModelClass, value: K8sObject, what: string): void {
  new Model(value).validate();
  const seen = new Set<string>();
  Model.prototype.validate.call(tracked(new Model(value).toJSON(), '', seen));
  // Only the outermost unknown field: its own children were never read either.
  const unknown = keyPaths(value)
    .filter((p) => !seen.has(p))
    .filter((p, _, all) => !all.some((q) => p.startsWith(`${q}.`) || p.startsWith(`${q}[`)));
  if (unknown.length > 0) throw new Error(`fields not in the ${what} schema: ${unknown.join(', ')}`);
}

/**
 * Validates one object against its Kubernetes schema and rejects fields the schema does not know.
 * Throws an Error naming the problems.
 */
export function validateK8sObject(obj: K8sObject): void {
  const Model = MODELS[`${obj.apiVersion} ${obj.kind}`];
  if (Model === undefined) throw new Error(`no Kubernetes schema here for ${obj.apiVersion} ${obj.kind}`);
  strictlyValid(Model, obj, `${obj.apiVersion} ${obj.kind}`);
}

/** Validates the metadata of a custom resource with the core ObjectMeta schema. */
export function validateMetadata(metadata: unknown): void {
  strictlyValid(ObjectMeta as unknown as ModelClass, metadata as K8sObject, 'ObjectMeta');
}

/** Validates a label selector of a custom resource with the core LabelSelector schema. */
export function validateLabelSelector(selector: unknown): void {
  strictlyValid(LabelSelector as unknown as ModelClass, selector as K8sObject, 'LabelSelector');
}
