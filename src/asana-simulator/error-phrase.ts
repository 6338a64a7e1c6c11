import { pick, type Random } from './seeded-random.js';

/**
 * Asana's 500 bodies carry a `phrase` such as "6 sad squid snuggle softly" (node-asana-phrase) that support
 * uses to find the incident (shared/reference/asana/facts.md §2.6). Same shape here, from the seeded PRNG.
 */
const ADJECTIVES = ['sad', 'brave', 'quiet', 'shiny', 'sleepy', 'fuzzy', 'clever', 'gentle'] as const;
const NOUNS = ['squid', 'otters', 'ravens', 'llamas', 'pandas', 'geckos', 'moths', 'badgers'] as const;
const VERBS = ['snuggle', 'wander', 'juggle', 'whistle', 'ponder', 'tumble', 'giggle', 'dance'] as const;
const ADVERBS = ['softly', 'boldly', 'slowly', 'warmly', 'quickly', 'calmly', 'oddly', 'gladly'] as const;

export function errorPhrase(random: Random): string {
  const count = 2 + Math.floor(random() * 98);
  return `${count} ${pick(random, ADJECTIVES)} ${pick(random, NOUNS)} ${pick(random, VERBS)} ${pick(random, ADVERBS)}`;
}
