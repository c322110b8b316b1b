import { tenantProfile } from '../model/profile';
import { synthesizeIntoCache, WorkerReply, WorkerRequest } from './synthesize';

/**
 * A synthesis worker process (stacks/synthesize.ts `synthesizeLandingZoneInParallel`): receives
 * its share of the stacks, synthesizes them into the cache, replies, exits.
 */
process.once('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const tenants = request.manifests.map((manifest) => ({ manifest, profile: tenantProfile(request.settings, manifest) }));
    synthesizeIntoCache(request.specs, { settings: request.settings, tenants }, new Map(Object.entries(request.fingerprints)), request.cacheDir, request, request.scratch);
    reply = { ok: true, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
  } catch (e) {
    reply = { ok: false, error: (e as Error)?.stack ?? String(e) };
  }
  process.send!(reply, () => process.exit(reply.ok ? 0 : 1));
});
