//! The certificate as text in English: the certificate crate's words, with local times.

use tabula_certificate::text::{ENGLISH, Words};

pub const WORDS: Words = Words {
    time: |t| crate::i18n::clock::timestamp(*t),
    ..ENGLISH
};
