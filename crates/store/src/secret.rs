//! Secrets that are stored only as digests: session cookies and API tokens.

use sha2::{Digest, Sha256};

/// The digest under which a bearer secret is stored and looked up.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}
