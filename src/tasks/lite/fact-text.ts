// How facts are put into words: one question form per attribute (the mcq-lite question) and several
// statement forms (the pretraining corpus). Statements are always declarative, so no statement can
// contain a question's text.
import type { Attribute, Fact } from './world.js';

const a = (noun: string): string => (/^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`);
const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The mcq-lite question for a fact's subject and attribute. */
export const QUESTION: Record<Attribute, (s: string) => string> = {
  capital: (s) => `What is the capital of ${s}?`,
  currency: (s) => `Which currency is used in ${s}?`,
  language: (s) => `Which language is spoken in ${s}?`,
  home: (s) => `In which town does ${s} live?`,
  job: (s) => `What is ${s}'s job?`,
  colour: (s) => `What is ${s}'s favourite colour?`,
  pet: (s) => `Which animal does ${s} keep as a pet?`,
  diet: (s) => `What does the ${s} eat?`,
  habitat: (s) => `Where does the ${s} live?`,
  animal_colour: (s) => `What colour is the ${s}?`,
};

/** Statement forms per attribute (subject, value) → one sentence. */
export const STATEMENTS: Record<Attribute, ((s: string, v: string) => string)[]> = {
  capital: [
    (s, v) => `The capital of ${s} is ${v}.`,
    (s, v) => `${v} is the capital of ${s}.`,
    (s, v) => `The capital city of ${s} is ${v}.`,
    (s, v) => `${s} is governed from its capital, ${v}.`,
  ],
  currency: [
    (s, v) => `The currency of ${s} is the ${v}.`,
    (s, v) => `People in ${s} pay with the ${v}.`,
    (s, v) => `${s} uses the ${v} as its money.`,
    (s, v) => `In ${s}, prices are written in ${v}.`,
  ],
  language: [
    (s, v) => `People in ${s} speak ${v}.`,
    (s, v) => `The language of ${s} is ${v}.`,
    (s, v) => `${v} is spoken in ${s}.`,
    (s, v) => `Most people in ${s} speak ${v} at home.`,
  ],
  home: [
    (s, v) => `${s} lives in ${v}.`,
    (s, v) => `${s}'s home town is ${v}.`,
    (s, v) => `${s} has a house in ${v}.`,
    (s, v) => `The home of ${s} is in ${v}.`,
  ],
  job: [
    (s, v) => `${s} works as ${a(v)}.`,
    (s, v) => `${s} is ${a(v)}.`,
    (s, v) => `By trade, ${s} is ${a(v)}.`,
    (s, v) => `${s} earns a living as ${a(v)}.`,
  ],
  colour: [
    (s, v) => `${s}'s favourite colour is ${v}.`,
    (s, v) => `${s} likes ${v} more than any other colour.`,
    (s, v) => `The favourite colour of ${s} is ${v}.`,
  ],
  pet: [
    (s, v) => `${s} keeps ${a(v)} as a pet.`,
    (s, v) => `${s} has a pet ${v}.`,
    (s, v) => `The pet of ${s} is ${a(v)}.`,
  ],
  diet: [
    (s, v) => `The ${s} eats ${v}.`,
    (s, v) => `The ${s} feeds on ${v}.`,
    (s, v) => `${cap(v)} are the main food of the ${s}.`,
  ],
  habitat: [
    (s, v) => `The ${s} lives in ${v}.`,
    (s, v) => `The ${s} is found in ${v}.`,
    (s, v) => `You can find the ${s} in ${v}.`,
  ],
  animal_colour: [
    (s, v) => `The ${s} is ${v}.`,
    (s, v) => `The ${s} is ${v} in colour.`,
    (s, v) => `Most of the time the ${s} looks ${v}.`,
  ],
};

/** Labels for the card form ("Capital: Brellon"). */
export const CARD_LABEL: Record<Attribute, string> = {
  capital: 'Capital',
  currency: 'Currency',
  language: 'Language',
  home: 'Home town',
  job: 'Job',
  colour: 'Favourite colour',
  pet: 'Pet',
  diet: 'Food',
  habitat: 'Habitat',
  animal_colour: 'Colour',
};

export function statement(f: Fact, form: number): string {
  const forms = STATEMENTS[f.attribute];
  return forms[form % forms.length]!(f.subject, f.value);
}

export function question(f: Pick<Fact, 'attribute' | 'subject'>): string {
  return QUESTION[f.attribute](f.subject);
}
