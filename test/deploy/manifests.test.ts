// The deployment files are checked by inspection here (no cluster, no Docker engine on CI):
// every field they use exists in the Kubernetes API they name, and their numbers agree.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

// Field names of batch/v1 Job and core/v1 objects (Kubernetes API reference, v1.31).
const FIELDS: Record<string, readonly string[]> = {
  Job: ['apiVersion', 'kind', 'metadata', 'spec'],
  ObjectMeta: ['name', 'namespace', 'labels', 'annotations', 'generateName'],
  JobSpec: ['activeDeadlineSeconds', 'backoffLimit', 'backoffLimitPerIndex', 'completionMode', 'completions', 'managedBy',
    'manualSelector', 'maxFailedIndexes', 'parallelism', 'podFailurePolicy', 'podReplacementPolicy', 'selector',
    'successPolicy', 'suspend', 'template', 'ttlSecondsAfterFinished'],
  PodTemplateSpec: ['metadata', 'spec'],
  PodSpec: ['containers', 'initContainers', 'restartPolicy', 'volumes', 'serviceAccountName', 'nodeSelector', 'tolerations',
    'affinity', 'securityContext', 'imagePullSecrets', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds'],
  Container: ['name', 'image', 'command', 'args', 'env', 'envFrom', 'resources', 'volumeMounts', 'workingDir',
    'imagePullPolicy', 'securityContext', 'ports'],
  EnvVar: ['name', 'value', 'valueFrom'],
  EnvVarSource: ['secretKeyRef', 'configMapKeyRef', 'fieldRef', 'resourceFieldRef'],
  KeySelector: ['name', 'key', 'optional'],
  VolumeMount: ['name', 'mountPath', 'readOnly', 'subPath', 'subPathExpr', 'mountPropagation'],
  Volume: ['name', 'configMap', 'persistentVolumeClaim', 'secret', 'emptyDir'],
  Resources: ['requests', 'limits', 'claims'],
};

function only(obj: Record<string, unknown>, type: string, where: string): void {
  for (const key of Object.keys(obj)) expect(FIELDS[type], `${where}.${key} is not a ${type} field`).toContain(key);
}

function checkJob(file: string) {
  const job = parse(readFileSync(join(ROOT, 'deploy/kubernetes', file), 'utf8'));
  only(job, 'Job', file);
  expect(job.apiVersion).toBe('batch/v1');
  expect(job.kind).toBe('Job');
  only(job.metadata, 'ObjectMeta', 'metadata');
  only(job.spec, 'JobSpec', 'spec');
  only(job.spec.template, 'PodTemplateSpec', 'spec.template');
  const pod = job.spec.template.spec;
  only(pod, 'PodSpec', 'spec.template.spec');
  expect(['Never', 'OnFailure']).toContain(pod.restartPolicy); // the only values a Job accepts
  for (const c of pod.containers) {
    only(c, 'Container', 'container');
    for (const e of c.env ?? []) {
      only(e, 'EnvVar', 'env');
      if (e.valueFrom) {
        only(e.valueFrom, 'EnvVarSource', 'valueFrom');
        only(e.valueFrom.secretKeyRef, 'KeySelector', 'secretKeyRef');
      }
    }
    for (const m of c.volumeMounts ?? []) {
      only(m, 'VolumeMount', 'volumeMount');
      expect(pod.volumes.map((v: { name: string }) => v.name)).toContain(m.name);
    }
    if (c.resources) only(c.resources, 'Resources', 'resources');
  }
  for (const v of pod.volumes ?? []) only(v, 'Volume', 'volume');
  return job;
}

describe('deploy/kubernetes', () => {
  it('shards-job.yaml is an Indexed Job whose N agrees with --shard', () => {
    const job = checkJob('shards-job.yaml');
    expect(job.spec.completionMode).toBe('Indexed');
    const n = job.spec.completions;
    expect(job.spec.parallelism).toBe(n);
    const cmd = [...job.spec.template.spec.containers[0].command, ...job.spec.template.spec.containers[0].args].join(' ');
    expect(cmd).toContain(`--shard $((JOB_COMPLETION_INDEX + 1))/${n}`);
    expect(cmd).toMatch(/flowbench run /);
    const env = job.spec.template.spec.containers[0].env;
    expect(env.find((e: { name: string }) => e.name === 'STACKAI_API_KEY').valueFrom.secretKeyRef.name).toBeTruthy();
    expect(JSON.stringify(job)).not.toMatch(/sk-|Bearer/); // no token literal in a manifest
  });

  it('merge-job.yaml merges the shard folders the shards job writes', () => {
    const job = checkJob('merge-job.yaml');
    const cmd = job.spec.template.spec.containers[0].args.join(' ');
    expect(cmd).toMatch(/flowbench merge \/results\/\$\(RUN_ID\)\/shard-\* --out /);
    const shards = checkJob('shards-job.yaml').spec.template.spec.containers[0].args.join(' ');
    expect(shards).toContain('--out /results/$(RUN_ID)/shard-');
    expect(job.spec.template.spec.volumes[0].persistentVolumeClaim.claimName)
      .toBe(parse(readFileSync(join(ROOT, 'deploy/kubernetes/results-pvc.yaml'), 'utf8')).metadata.name);
  });

  it('the PVC is shared by several pods', () => {
    const pvc = parse(readFileSync(join(ROOT, 'deploy/kubernetes/results-pvc.yaml'), 'utf8'));
    expect(pvc).toMatchObject({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', spec: { accessModes: ['ReadWriteMany'] } });
  });
});

describe('Dockerfile and the GitHub Actions example', () => {
  it('the image builds with the same commands as CI', () => {
    const docker = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    expect(ci).toMatch(/npm ci/);
    expect(docker).toMatch(/^FROM node:20/m);
    expect(docker).toMatch(/RUN npm ci /);
    expect(docker).toMatch(/RUN npm run build/);
    expect(docker).toMatch(/flowbench/);
  });

  it('the matrix has as many shards as --shard says and merges them', () => {
    const wf = parse(readFileSync(join(ROOT, 'deploy/github-actions/flowbench-shards.yml'), 'utf8'));
    const shards: number[] = wf.jobs.shard.strategy.matrix.shard;
    const run = wf.jobs.shard.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    expect(run).toContain(`--shard \${{ matrix.shard }}/${shards.length}`);
    expect(shards).toEqual(Array.from({ length: shards.length }, (_, i) => i + 1));
    expect(wf.jobs.merge.needs).toBe('shard');
    expect(wf.jobs.merge.steps.map((s: { run?: string }) => s.run ?? '').join('\n')).toMatch(/merge shards\/shard-\* --out merged/);
  });
});
