// The deployment files are checked by inspection here (no cluster, no Docker engine on CI): each object
// validates against the Kubernetes API schema (kubernetes-models), every field it uses exists (the
// schema does not reject unknown ones), and the settings that make a pod behave are there: signals reach
// flowbench, it runs as the image's non-root user, it has time to write its partial report, and the
// token comes from a Secret. test/deploy/shard-command.test.ts runs the commands themselves.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/suite/load-suite.js';
import { ROOT } from '../helpers/cli.js';

// Field names of batch/v1 Job and core/v1 objects (Kubernetes API reference, v1.31).
const FIELDS: Record<string, readonly string[]> = {
  Job: ['apiVersion', 'kind', 'metadata', 'spec'],
  ObjectMeta: ['name', 'namespace', 'labels', 'annotations', 'generateName'],
  JobSpec: [
    'activeDeadlineSeconds',
    'backoffLimit',
    'backoffLimitPerIndex',
    'completionMode',
    'completions',
    'managedBy',
    'manualSelector',
    'maxFailedIndexes',
    'parallelism',
    'podFailurePolicy',
    'podReplacementPolicy',
    'selector',
    'successPolicy',
    'suspend',
    'template',
    'ttlSecondsAfterFinished',
  ],
  PodTemplateSpec: ['metadata', 'spec'],
  PodSpec: [
    'containers',
    'initContainers',
    'restartPolicy',
    'volumes',
    'serviceAccountName',
    'nodeSelector',
    'tolerations',
    'affinity',
    'securityContext',
    'imagePullSecrets',
    'terminationGracePeriodSeconds',
    'activeDeadlineSeconds',
  ],
  PodSecurityContext: ['runAsNonRoot', 'runAsUser', 'runAsGroup', 'fsGroup', 'fsGroupChangePolicy', 'supplementalGroups', 'seccompProfile'],
  Container: ['name', 'image', 'command', 'args', 'env', 'envFrom', 'resources', 'volumeMounts', 'workingDir', 'imagePullPolicy', 'securityContext', 'ports'],
  SecurityContext: [
    'allowPrivilegeEscalation',
    'readOnlyRootFilesystem',
    'capabilities',
    'runAsNonRoot',
    'runAsUser',
    'runAsGroup',
    'privileged',
    'seccompProfile',
  ],
  EnvVar: ['name', 'value', 'valueFrom'],
  EnvVarSource: ['secretKeyRef', 'configMapKeyRef', 'fieldRef', 'resourceFieldRef'],
  KeySelector: ['name', 'key', 'optional'],
  FieldSelector: ['fieldPath', 'apiVersion'],
  VolumeMount: ['name', 'mountPath', 'readOnly', 'subPath', 'subPathExpr', 'mountPropagation'],
  Volume: ['name', 'configMap', 'persistentVolumeClaim', 'secret', 'emptyDir'],
  Resources: ['requests', 'limits', 'claims'],
};

function only(obj: Record<string, unknown>, type: string, where: string): void {
  for (const key of Object.keys(obj)) expect(FIELDS[type], `${where}.${key} is not a ${type} field`).toContain(key);
}

const read = (file: string) => parse(readFileSync(join(ROOT, 'deploy/kubernetes', file), 'utf8'));

function checkJob(file: string) {
  const job = read(file);
  expect(() => new Job(job).validate()).not.toThrow(); // types, required fields, enums
  only(job, 'Job', file);
  expect(job.apiVersion).toBe('batch/v1');
  expect(job.kind).toBe('Job');
  only(job.metadata, 'ObjectMeta', 'metadata');
  only(job.spec, 'JobSpec', 'spec');
  only(job.spec.template, 'PodTemplateSpec', 'spec.template');
  only(job.spec.template.metadata, 'ObjectMeta', 'spec.template.metadata');
  const pod = job.spec.template.spec;
  only(pod, 'PodSpec', 'spec.template.spec');
  only(pod.securityContext, 'PodSecurityContext', 'spec.template.spec.securityContext');
  expect(['Never', 'OnFailure']).toContain(pod.restartPolicy); // the only values a Job accepts
  for (const c of pod.containers) {
    only(c, 'Container', 'container');
    only(c.securityContext, 'SecurityContext', 'container.securityContext');
    for (const e of c.env ?? []) {
      only(e, 'EnvVar', 'env');
      if (e.valueFrom) {
        only(e.valueFrom, 'EnvVarSource', 'valueFrom');
        if (e.valueFrom.secretKeyRef) only(e.valueFrom.secretKeyRef, 'KeySelector', 'secretKeyRef');
        if (e.valueFrom.fieldRef) only(e.valueFrom.fieldRef, 'FieldSelector', 'fieldRef');
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

const container = (job: any) => job.spec.template.spec.containers[0];
const script = (job: any) => container(job).args.join(' ');
const env = (job: any, name: string) => container(job).env.find((e: { name: string }) => e.name === name);
const JOBS = ['shards-job.yaml', 'merge-job.yaml'];

describe('deploy/kubernetes', () => {
  it('shards-job.yaml is an Indexed Job whose N agrees with --shard, and one failed shard stops no other', () => {
    const job = checkJob('shards-job.yaml');
    expect(job.spec.completionMode).toBe('Indexed');
    const n = job.spec.completions;
    expect(job.spec.parallelism).toBe(n);
    expect(script(job)).toContain(`--shard $((JOB_COMPLETION_INDEX + 1))/${n}`);
    // With a Job-wide backoffLimit of 0, the first shard to exit 1 (its share broke a threshold) would get
    // the others killed mid-run; per index, each shard finishes and the merge judges the fleet.
    expect(job.spec.backoffLimitPerIndex).toBe(0);
    expect(job.spec.backoffLimit).toBeUndefined();
  });

  it.each(JOBS)('%s execs flowbench, so that it is PID 1 and gets the SIGTERM', (file) => {
    const job = checkJob(file);
    expect(container(job).command).toEqual(['sh', '-c']);
    // The last command of the script replaces the shell; nothing may follow it.
    const last = script(job).split(/;\s*/).at(-1)!;
    expect(last).toMatch(/^exec flowbench (run|merge) /);
  });

  it.each(JOBS)("%s runs as the image's non-root user, with a writable volume and nothing more", (file) => {
    const job = checkJob(file);
    const pod = job.spec.template.spec;
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^USER node$/m); // uid 1000 in the official node images
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    const c = container(job);
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    // A read-only root needs /tmp as a volume (test/deploy/image.test.ts runs flowbench on a read-only root).
    const tmp = c.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/tmp');
    expect(pod.volumes.find((v: { name: string }) => v.name === tmp.name).emptyDir).toBeDefined();
  });

  it("the pod's grace outlasts what flowbench takes after SIGTERM to write its partial report", async () => {
    // After SIGTERM: load.grace for in-flight requests, then for pending grading, then for feedback posts
    // (src/runner/run-suite.ts), then the reports are written: 30 s is left for writing them.
    const graces: number[] = [];
    for (const f of readdirSync(join(ROOT, 'suites')).filter((x) => x.endsWith('.yaml') && !x.includes('.flows.'))) {
      graces.push(
        (await loadSuite(join(ROOT, 'suites', f), { env: { STACKAI_API_KEY: 'k'.repeat(32), STACKAI_ORG_ID: 'o', STACKAI_BASE_URL: 'simulator' } })).load
          .graceMs,
      );
    }
    expect(graces.length).toBeGreaterThan(0);
    const needS = (3 * Math.max(...graces)) / 1000 + 30;
    expect(read('shards-job.yaml').spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(needS);
  });

  it("the run id is the shards Job's own uid, the shard index the completion index, the start time an annotation", () => {
    const job = checkJob('shards-job.yaml');
    expect(env(job, 'RUN_ID').valueFrom.fieldRef.fieldPath).toBe("metadata.labels['batch.kubernetes.io/controller-uid']");
    const annotation = env(job, 'START_AT').valueFrom.fieldRef.fieldPath.match(/^metadata\.annotations\['(.+)'\]$/)[1];
    expect(job.spec.template.metadata.annotations).toHaveProperty(annotation);
    expect(script(job)).toContain('${START_AT:+--start-at "$START_AT"}');
    const merge = checkJob('merge-job.yaml');
    const runId = env(merge, 'RUN_ID').valueFrom.fieldRef.fieldPath.match(/^metadata\.annotations\['(.+)'\]$/)[1];
    expect(merge.spec.template.metadata.annotations).toHaveProperty(runId);
  });

  it('the token and the base URL come from one Secret, named as docs/kubernetes.md creates it; no literal token', () => {
    const job = checkJob('shards-job.yaml');
    const docs = readFileSync(join(ROOT, 'docs/kubernetes.md'), 'utf8');
    for (const name of ['STACKAI_API_KEY', 'STACKAI_BASE_URL']) {
      const ref = env(job, name).valueFrom.secretKeyRef;
      expect(ref.name).toBe('flowbench-target');
      expect(docs).toContain(`kubectl create secret generic ${ref.name}`);
      expect(docs).toContain(`--from-literal=${ref.key}=`);
    }
    expect(script(job)).toContain('--base-url "$STACKAI_BASE_URL"');
    for (const e of container(job).env) expect(e.value, `${e.name} is a literal`).toBeUndefined();
    for (const f of [...JOBS, 'results-pvc.yaml']) expect(JSON.stringify(read(f))).not.toMatch(/sk-|Bearer|token:/i);
  });

  it('merge-job.yaml merges the shard folders the shards job writes', () => {
    const job = checkJob('merge-job.yaml');
    expect(script(job)).toMatch(/exec flowbench merge \/results\/"\$RUN_ID"\/shard-\* --out "\/results\/\$RUN_ID\/merged"/);
    expect(script(checkJob('shards-job.yaml'))).toContain('--out "/results/$RUN_ID/shard-$((JOB_COMPLETION_INDEX + 1))"');
    expect(job.spec.template.spec.volumes.find((v: any) => v.persistentVolumeClaim).persistentVolumeClaim.claimName).toBe(
      read('results-pvc.yaml').metadata.name,
    );
  });

  it('the PVC is valid and shared by several pods', () => {
    const pvc = read('results-pvc.yaml');
    expect(() => new PersistentVolumeClaim(pvc).validate()).not.toThrow();
    expect(pvc).toMatchObject({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', spec: { accessModes: ['ReadWriteMany'] } });
  });

  it('the schema check catches a wrong type, and the field check a misspelt field', () => {
    const job = read('shards-job.yaml');
    job.spec.template.spec.securityContext.runAsUser = 'node';
    expect(() => new Job(job).validate()).toThrow(/runAsUser/);
    expect(() => only({ terminationGracePeriod: 1 }, 'PodSpec', 'spec')).toThrow(/terminationGracePeriod is not a PodSpec field/);
  });
});
