export { requestDigest } from './digest.js';
export {
  type DedupDecision,
  IngestDedup,
  type IngestDedupOptions,
  type InsertBlock,
} from './ingest-dedup.js';
export { RequestWal, type WalRequest } from './request-wal.js';
