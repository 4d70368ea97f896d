// Invented names for the synthetic world: pronounceable syllable strings that are (almost surely)
// not in any real text the model could have seen, so a fact about them can only come from the
// project's corpus. One registry per world keeps every name unique across kinds (a city never
// shares a name with a person or a country).
import { pick, type Rand } from './rng.js';

// Mostly single letters: short names cost few tokens and are easier for a small model to learn.
const ONSETS = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'h', 'j', 'br', 'tr', 'st', 'sh'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'a', 'e', 'o', 'i', 'ai', 'ou'];
const CODAS = ['', '', '', '', 'n', 'r', 'l', 's', 'm', 'k', 'th', 'nd'];
const HARD_CODAS = ['n', 'r', 'l', 's', 'm', 'k', 'nd', 'rt', 'sk'];

/** One syllable-built word of `syllables` syllables, lower case. */
function word(r: Rand, syllables: number, closed = false): string {
  let s = '';
  for (let i = 0; i < syllables; i++) {
    s += pick(r, ONSETS) + pick(r, VOWELS);
    const last = i === syllables - 1;
    if (last && closed) s += pick(r, HARD_CODAS);
    else if (last || r() < 0.2) s += pick(r, CODAS);
  }
  return s;
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Hands out unique names; every name it returns is new to this registry (case-insensitive). */
export class NameRegistry {
  private readonly used = new Set<string>();
  constructor(private readonly r: Rand) {}

  private take(make: () => string): string {
    for (let tries = 0; tries < 10_000; tries++) {
      const n = make();
      const key = n.toLowerCase();
      // Four letters at least (no name may look like an answer letter), no clashes with earlier names.
      if (n.replace(/[^a-z]/gi, '').length < 4 || this.used.has(key)) continue;
      this.used.add(key);
      return n;
    }
    throw new Error('name space exhausted (this is a bug: the world asks for too many names)');
  }

  /** A capitalised place or person name of 2–3 syllables. */
  proper(): string {
    return this.take(() => cap(word(this.r, this.r() < 0.85 ? 2 : 3)));
  }

  /** A lower-case common noun of 1–2 syllables (currencies). */
  noun(): string {
    return this.take(() => word(this.r, this.r() < 0.5 ? 1 : 2));
  }

  /** A language name: a stem and a language-like ending. */
  language(): string {
    return this.take(() => cap(word(this.r, this.r() < 0.6 ? 1 : 2)) + pick(this.r, ['ish', 'ese', 'ian', 'ic', 'i']));
  }

  /** An animal species: an invented prefix on a real animal word ('glimfox'). */
  species(): string {
    return this.take(
      () =>
        // A closed first syllable, so the join reads well ('golfox', not 'goeel').
        word(this.r, 1, true) +
        pick(this.r, [
          'fox',
          'bat',
          'toad',
          'owl',
          'deer',
          'mole',
          'hare',
          'crab',
          'wren',
          'eel',
          'boar',
          'newt',
          'finch',
          'goat',
          'lynx',
          'seal',
        ]),
    );
  }
}
