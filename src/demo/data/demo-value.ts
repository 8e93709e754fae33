// One feature value of a demo record, as received: the generator produces them and the
// malformation step corrupts them, so the type lives apart from both.

export type DemoValue = number | string | boolean | null;
