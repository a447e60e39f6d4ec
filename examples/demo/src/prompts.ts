import { chance, weighted, zipfIndex } from './rng.js';

const TOPICS = [
  'reset my password',
  'change the email on my account',
  'refund for a double charge',
  'cancel my subscription',
  'export my invoices',
  'add a team member',
  'the mobile app keeps logging me out',
  'upgrade to the business plan',
  'enable two-factor authentication',
  'why was my card declined',
  'delete my account',
  'connect the Slack integration',
  'set up single sign-on',
  'download my data',
  'change my billing address',
];
const OPENERS = [
  'How do I',
  'Can you help me',
  'I need to',
  'What is the fastest way to',
  'Is it possible to',
];
const LANGUAGES = { en: 70, de: 10, fr: 8, es: 8, pt: 4 };
const LANGUAGES_DRIFTED = { en: 45, de: 10, fr: 8, es: 12, pt: 25 };

/** A support-assistant request. */
export interface ChatRequest {
  prompt: string;
  language: string;
  user: string;
}

/** Draws a chat request; popular questions repeat (they hit the caches). */
export function sampleChat(drifted: boolean): ChatRequest {
  const topic = TOPICS[zipfIndex(TOPICS.length)] as string;
  const opener = OPENERS[Math.floor(Math.random() * OPENERS.length)] as string;
  const detail = chance(0.4)
    ? ` It started after ${1 + Math.floor(Math.random() * 9)} days and I tried twice already.`
    : '';
  const longer =
    drifted && chance(0.5)
      ? ' Please answer in detail with all steps and links to the documentation.'
      : '';
  return {
    prompt: `${opener} ${topic}?${detail}${longer}`,
    language: weighted(drifted ? LANGUAGES_DRIFTED : LANGUAGES),
    user: `user-${Math.floor(Math.random() * 5000)}`,
  };
}

/** Draws a search query to embed; a long tail with popular repeats. */
export function sampleQuery(): string {
  return `docs: ${TOPICS[zipfIndex(TOPICS.length)] as string} (${zipfIndex(40)})`;
}

const WORDS =
  'sure here is how you can do that open settings then choose account and follow the steps the change applies right away if it does not work sign out and in again or contact support with your workspace id'.split(
    ' ',
  );

/** `n` words of a plausible answer. */
export function answerWords(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(WORDS[(i * 7 + n) % WORDS.length] as string);
  return out;
}
