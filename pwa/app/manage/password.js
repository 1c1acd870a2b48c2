// Passwords an admin can hand over: four groups of four characters from an alphabet without the ones
// people mix up on paper or on the phone (0/o, 1/l/i), drawn with crypto.getRandomValues and without
// bias: 16 × log2(31) ≈ 79 bits, well above what a guessing attack against the login's rate limit
// could reach, and 19 characters, above the server's 12.

const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A new random password such as "k7mp-x3qa-9tfr-h2wd". */
export function generatePassword() {
  const out = [];
  const buf = new Uint8Array(64);
  const limit = 256 - (256 % alphabet.length); // bytes at or above this would favour the first letters
  while (out.length < 16) {
    crypto.getRandomValues(buf);
    for (const b of buf) {
      if (b < limit && out.length < 16) out.push(alphabet[b % alphabet.length]);
    }
  }
  return [0, 4, 8, 12].map((i) => out.slice(i, i + 4).join('')).join('-');
}
