// One class per ACLED event type (t0..t5): the colours live in app.css, so no inline styles are needed.
export const TYPES = [
  "Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
  "Strategic developments",
];

export function typeIndex(t) {
  const i = TYPES.indexOf(t);
  return i < 0 ? 5 : i;
}

export function typeClass(t) {
  return "t" + typeIndex(t);
}
