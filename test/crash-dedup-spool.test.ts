// The crash and resend tests of crash-dedup.test.ts again with `--ack-after spool`
// (requests answered once their rows are spooled, before the insert): four SIGKILLs under
// retrying load still store every span once, raw and derived, and a cut insert's requests
// are answered 200 and stored once.
process.env.AIOBS_ACK_AFTER = 'spool';
await import('./crash-dedup.test.js');
