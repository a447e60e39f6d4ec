import { chance, exponential, logNormal, weighted } from './rng.js';

/** A card transaction: the classic-ML model's input features. */
export interface Transaction {
  amount: number;
  merchant_category: string;
  hour: number;
  account_age_days: number;
  country: string;
  card_present: boolean;
}

const CATEGORIES = {
  grocery: 35,
  restaurants: 25,
  electronics: 15,
  travel: 10,
  gaming: 5,
  other: 10,
};
const CATEGORIES_DRIFTED = {
  grocery: 20,
  restaurants: 15,
  electronics: 30,
  travel: 10,
  gaming: 15,
  other: 10,
};
const COUNTRIES = { US: 60, DE: 10, GB: 10, FR: 8, BR: 7, NG: 5 };
const COUNTRIES_DRIFTED = { US: 40, DE: 8, GB: 8, FR: 7, BR: 22, NG: 15 };
const RISKY_CATEGORY: Record<string, number> = { electronics: 0.9, gaming: 1.2, travel: 0.5 };
const RISKY_COUNTRY: Record<string, number> = { BR: 0.8, NG: 1.3 };

/**
 * Draws a transaction. After drift sets in, amounts grow, accounts are younger, night-time and
 * card-not-present purchases are more common and the category and country mix shifts: what a
 * new acquisition channel or a fraud ring does to a payments model's inputs.
 */
export function sampleTransaction(drifted: boolean): Transaction {
  const night = chance(drifted ? 0.35 : 0.12);
  return {
    amount: Math.round(logNormal(drifted ? 75 : 36, drifted ? 1.2 : 1.0) * 100) / 100,
    merchant_category: weighted(drifted ? CATEGORIES_DRIFTED : CATEGORIES),
    hour: night ? Math.floor(Math.random() * 6) : 7 + Math.floor(Math.random() * 17),
    account_age_days: Math.round(exponential(drifted ? 220 : 700)),
    country: weighted(drifted ? COUNTRIES_DRIFTED : COUNTRIES),
    card_present: chance(drifted ? 0.4 : 0.7),
  };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The world's actual fraud probability (what ground truth is drawn from). */
export function trueFraudProbability(tx: Transaction, drifted: boolean): number {
  const z =
    -6.2 +
    0.55 * Math.log1p(tx.amount) +
    (RISKY_CATEGORY[tx.merchant_category] ?? 0) +
    (RISKY_COUNTRY[tx.country] ?? 0) +
    (tx.hour < 6 ? 0.9 : 0) +
    (tx.card_present ? -0.8 : 0.6) -
    0.0012 * Math.min(tx.account_age_days, 2000) +
    // the fraud pattern itself changes too (concept drift): young accounts matter more
    (drifted && tx.account_age_days < 60 ? 1.4 : 0);
  return sigmoid(z);
}

/** Model versions: v4 learned the night-time and country effects better than v3. */
export const FRAUD_MODEL_VERSIONS = {
  v3: {
    bias: -5.6,
    amount: 0.5,
    night: 0.4,
    country: 0.5,
    category: 0.7,
    cardPresent: 1.1,
    age: 0.0008,
  },
  v4: {
    bias: -6.0,
    amount: 0.55,
    night: 0.85,
    country: 1.0,
    category: 0.85,
    cardPresent: 1.35,
    age: 0.0011,
  },
} as const;

export type FraudModelVersion = keyof typeof FRAUD_MODEL_VERSIONS;

/** The deployed model's fraud score for a transaction. */
export function scoreFraud(version: FraudModelVersion, tx: Transaction): number {
  const w = FRAUD_MODEL_VERSIONS[version];
  const z =
    w.bias +
    w.amount * Math.log1p(tx.amount) +
    w.category * ((RISKY_CATEGORY[tx.merchant_category] ?? 0) > 0 ? 1 : 0) +
    w.country * ((RISKY_COUNTRY[tx.country] ?? 0) > 0 ? 1 : 0) +
    (tx.hour < 6 ? w.night : 0) +
    (tx.card_present ? -w.cardPresent / 2 : w.cardPresent / 2) -
    w.age * Math.min(tx.account_age_days, 2000);
  return sigmoid(z);
}

/** Decision threshold of the score. */
export const FRAUD_THRESHOLD = 0.35;
