export { requestDigest } from './digest.js';
export {
  type DedupDecision,
  IngestDedup,
  type IngestDedupOptions,
  type InsertBlock,
} from './ingest-dedup.js';
export { RequestWal, type WalEntry, type WalRequest, walEntryName } from './request-wal.js';
