// The synthetic world the mini domains are about: invented countries (capital, currency, language),
// people (home town, job, favourite colour, pet) and animal species (diet, habitat, colour). Every
// fact is one (subject, attribute, value) triple; mcq-lite asks about them and the pretraining
// corpus states them, so a model can only answer from what it learned in pretraining.
// The world is a pure function of its seed (and sizes).
import { NameRegistry } from './names.js';
import { pick, rngFor, sampleDistinct } from './rng.js';

export const LITE_WORLD_SEED = 1;

export interface Country {
  name: string;
  capital: string;
  currency: string;
  language: string;
}
export interface Person {
  name: string;
  home: string;
  job: string;
  colour: string;
  /** An animal species of this world. */
  pet: string;
}
export interface Animal {
  name: string;
  diet: string;
  habitat: string;
  colour: string;
}

export type EntityKind = 'country' | 'person' | 'animal';
export type Attribute =
  | 'capital'
  | 'currency'
  | 'language'
  | 'home'
  | 'job'
  | 'colour'
  | 'pet'
  | 'diet'
  | 'habitat'
  | 'animal_colour';

export interface Fact {
  /** Stable id: `<attribute>/<subject>` (subject lower-cased, spaces as '-'). */
  id: string;
  kind: EntityKind;
  subject: string;
  attribute: Attribute;
  value: string;
}

export interface World {
  seed: number;
  countries: Country[];
  people: Person[];
  animals: Animal[];
  /** Capitals first, then the other towns. */
  cities: string[];
  facts: Fact[];
  /** For each attribute, every value it can take (the distractor pool of a question about it). */
  domains: Record<Attribute, string[]>;
}

export interface WorldOptions {
  countries?: number;
  people?: number;
  animals?: number;
  /** Towns that are not capitals (people live in capitals and towns). */
  towns?: number;
}

export const WORLD_DEFAULTS: Required<WorldOptions> = { countries: 30, people: 120, animals: 40, towns: 30 };

export const JOBS = [
  'baker',
  'farmer',
  'teacher',
  'doctor',
  'fisher',
  'painter',
  'carpenter',
  'nurse',
  'pilot',
  'tailor',
  'miner',
  'potter',
  'sailor',
  'singer',
  'writer',
  'gardener',
  'builder',
  'cook',
  'librarian',
  'weaver',
  'blacksmith',
  'shepherd',
  'jeweller',
  'merchant',
] as const;
export const COLOURS = [
  'red',
  'blue',
  'green',
  'yellow',
  'orange',
  'purple',
  'pink',
  'brown',
  'black',
  'white',
  'grey',
  'gold',
  'silver',
  'teal',
] as const;
export const DIETS = [
  'grass',
  'seeds',
  'fish',
  'insects',
  'berries',
  'leaves',
  'nuts',
  'worms',
  'roots',
  'mushrooms',
  'honey',
  'snails',
] as const;
export const HABITATS = [
  'forests',
  'deserts',
  'rivers',
  'mountains',
  'swamps',
  'caves',
  'meadows',
  'lakes',
  'islands',
  'jungles',
  'beaches',
  'hills',
] as const;

export const ATTRIBUTES: readonly Attribute[] = [
  'capital',
  'currency',
  'language',
  'home',
  'job',
  'colour',
  'pet',
  'diet',
  'habitat',
  'animal_colour',
];

const KIND_OF: Record<Attribute, EntityKind> = {
  capital: 'country',
  currency: 'country',
  language: 'country',
  home: 'person',
  job: 'person',
  colour: 'person',
  pet: 'person',
  diet: 'animal',
  habitat: 'animal',
  animal_colour: 'animal',
};

/** The MCQ "category" (the {{category}} of the paper's MMLU-Pro template) of each kind of entity. */
export const CATEGORY_OF: Record<EntityKind, string> = { country: 'geography', person: 'people', animal: 'animals' };

export function kindOf(a: Attribute): EntityKind {
  return KIND_OF[a];
}

const slug = (s: string): string => s.toLowerCase().replace(/\s+/g, '-');

export function factId(attribute: Attribute, subject: string): string {
  return `${attribute}/${slug(subject)}`;
}

function positive(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`world option '${name}' must be a positive integer, got ${v}`);
  return v;
}

export function buildWorld(seed: number = LITE_WORLD_SEED, options: WorldOptions = {}): World {
  const o = { ...WORLD_DEFAULTS, ...options };
  for (const k of Object.keys(WORLD_DEFAULTS) as (keyof WorldOptions)[]) positive(k, o[k]);
  if (o.countries < 10 || o.animals < 10 || o.countries + o.towns < 10)
    throw new Error('a world needs at least 10 countries, 10 animals and 10 cities (10-option questions)');
  const names = new NameRegistry(rngFor(seed, 'names'));
  const r = rngFor(seed, 'attributes');

  const capitals = Array.from({ length: o.countries }, () => names.proper());
  const towns = Array.from({ length: o.towns }, () => names.proper());
  const currencies = Array.from({ length: o.countries }, () => names.noun());
  const languages = Array.from({ length: o.countries }, () => names.language());
  const countries: Country[] = capitals.map((capital, i) => ({
    name: names.proper(),
    capital,
    currency: currencies[i]!,
    language: languages[i]!,
  }));
  const cities = [...capitals, ...towns];

  const animals: Animal[] = Array.from({ length: o.animals }, () => ({
    name: names.species(),
    diet: pick(r, DIETS),
    habitat: pick(r, HABITATS),
    colour: pick(r, COLOURS),
  }));

  // People: invented first names and surnames, combined without repeats.
  const firsts = Array.from({ length: Math.ceil(Math.sqrt(o.people)) + 8 }, () => names.proper());
  const lasts = Array.from({ length: Math.ceil(Math.sqrt(o.people)) + 8 }, () => names.proper());
  const pairs = sampleDistinct(
    r,
    firsts.flatMap((f) => lasts.map((l) => `${f} ${l}`)),
    o.people,
  );
  const people: Person[] = pairs.map((name) => ({
    name,
    home: pick(r, cities),
    job: pick(r, JOBS),
    colour: pick(r, COLOURS),
    pet: pick(r, animals).name,
  }));

  const facts: Fact[] = [];
  const add = (kind: EntityKind, subject: string, attribute: Attribute, value: string) =>
    facts.push({ id: factId(attribute, subject), kind, subject, attribute, value });
  for (const c of countries) {
    add('country', c.name, 'capital', c.capital);
    add('country', c.name, 'currency', c.currency);
    add('country', c.name, 'language', c.language);
  }
  for (const p of people) {
    add('person', p.name, 'home', p.home);
    add('person', p.name, 'job', p.job);
    add('person', p.name, 'colour', p.colour);
    add('person', p.name, 'pet', p.pet);
  }
  for (const a of animals) {
    add('animal', a.name, 'diet', a.diet);
    add('animal', a.name, 'habitat', a.habitat);
    add('animal', a.name, 'animal_colour', a.colour);
  }

  const domains: Record<Attribute, string[]> = {
    capital: capitals,
    currency: currencies,
    language: languages,
    home: cities,
    job: [...JOBS],
    colour: [...COLOURS],
    pet: animals.map((a) => a.name),
    diet: [...DIETS],
    habitat: [...HABITATS],
    animal_colour: [...COLOURS],
  };
  return { seed, countries, people, animals, cities, facts, domains };
}

const cache = new Map<string, World>();

/** buildWorld, memoised (worlds are immutable by convention). */
export function getWorld(seed: number = LITE_WORLD_SEED, options: WorldOptions = {}): World {
  const key = JSON.stringify([seed, { ...WORLD_DEFAULTS, ...options }]);
  let w = cache.get(key);
  if (!w) {
    w = buildWorld(seed, options);
    cache.set(key, w);
  }
  return w;
}
