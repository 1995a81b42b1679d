/**
 * What the step hands on: its outputs and the job summary (image, digest, tags, platforms, and the
 * verification). Pure: the caller writes them with @actions/core.
 */
import { table } from '../lib/summary.js';
import type { BuildResult } from './build.js';

export interface StepOutputs {
  digest: string;
  'image-ref': string;
  tags: string;
  platforms: string;
  metadata: string;
}

function verificationText(result: BuildResult, failure?: string): string {
  if (failure) return `failed: ${failure}`;
  if (result.verifySkipped) return `skipped: ${result.verifySkipped}`;
  return result.verifications.map((v) => `${v.reference}: ${v.found.join(', ')}`).join('\n') || 'not run';
}

export function stepOutputs(result: BuildResult, failure?: string): StepOutputs {
  const { plan } = result;
  const metadata = {
    builder: result.builder,
    pushed: plan.push,
    pushReason: plan.pushReason,
    digest: result.digest ?? null,
    imageRef: result.imageRef ?? null,
    tags: plan.refs,
    platforms: plan.platforms,
    labels: plan.labels,
    verification: result.verifySkipped ? { skipped: result.verifySkipped } : { ok: !failure, images: result.verifications },
    builderMetadata: result.metadata,
  };
  return {
    digest: result.digest ?? '',
    'image-ref': result.imageRef ?? '',
    tags: plan.refs.join('\n'),
    platforms: plan.platforms.join(','),
    metadata: JSON.stringify(metadata),
  };
}

export function summaryMarkdown(result: BuildResult, failure?: string): string {
  const { plan } = result;
  const heading = failure ? '### ❌ build-multiarch: verification failed' : plan.push ? '### ✅ build-multiarch: pushed' : '### build-multiarch: built, not pushed';
  const rows: unknown[][] = [
    ['Image', plan.images.map((image) => image.name).join('\n')],
    ['Digest', result.digest ? `\`${result.digest}\`` : '(none)'],
    ['Tags', plan.refs.join('\n') || '(none)'],
    ['Platforms', plan.platforms.join(', ')],
    ['Builder', result.builder],
    ['Push', plan.pushReason],
    ['Verification', verificationText(result, failure)],
  ];
  return [heading, table(['Build', 'Result'], rows)].join('\n\n');
}
