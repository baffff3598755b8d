//! Personal ID numbers become a keyed hash at the door. Linking people across ledgers needs a
//! stable pseudonym; an unkeyed hash would not do (there are only about 10^11 valid numbers, so
//! it could be reversed by enumeration), hence HMAC-SHA256 under a per-deployment key.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::block_api::compress256;
use sha2::{Digest, Sha256};

/// SHA-256's initial state (FIPS 180-4 §5.3.3).
const SHA256_IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// HMAC-SHA256 (RFC 2104) under one key, with the key's inner and outer blocks compressed
/// once: hashing an ID number then takes two compressions and nothing else. (The `hmac`
/// crate's state, cloned per number, spent as long again on buffering and copying, and every
/// row of a register hashes one; the tests check this against it.)
#[derive(Clone)]
pub struct IdHasher {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl std::fmt::Debug for IdHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdHasher(..)")
    }
}

impl IdHasher {
    /// A hasher under `key` (any length; HMAC hashes long keys down, so only an empty key is
    /// refused).
    pub fn new(key: &[u8]) -> Result<Self, String> {
        if key.is_empty() {
            return Err("身份证号哈希密钥为空 / the ID hashing key is empty".to_owned());
        }
        let mut block = [0u8; 64];
        if key.len() > 64 {
            block[..32].copy_from_slice(&Sha256::digest(key));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let keyed = |pad: u8| {
            let mut state = SHA256_IV;
            compress256(&mut state, &[block.map(|b| b ^ pad)]);
            state
        };
        Ok(Self {
            inner: keyed(0x36),
            outer: keyed(0x5c),
        })
    }

    /// The pseudonym a person is linked by: HMAC-SHA256 truncated to its first 128 bits, as
    /// RFC 2104 §5 allows. Collisions stay out of reach at any national population, and a
    /// million-row ledger keeps 16 MB less in memory.
    pub fn pseudonym(&self, normalized_id: &str) -> [u8; 16] {
        let full = self.hash(normalized_id);
        let mut out = [0u8; 16];
        out.copy_from_slice(&full[..16]);
        out
    }

    /// The full keyed hash of a normalised 18-character ID number.
    pub fn hash(&self, normalized_id: &str) -> [u8; 32] {
        let inner = finish(self.inner, normalized_id.as_bytes());
        finish(self.outer, &inner)
    }
}

/// SHA-256 of one 64-byte block already compressed into `state`, followed by `message`.
fn finish(mut state: [u32; 8], message: &[u8]) -> [u8; 32] {
    let mut chunks = message.chunks_exact(64);
    for block in chunks.by_ref() {
        let mut b = [0u8; 64];
        b.copy_from_slice(block);
        compress256(&mut state, &[b]);
    }
    let rest = chunks.remainder();
    let bits = ((64 + message.len()) as u64) * 8;
    // The rest, 0x80, zeros, and the length in bits: one block, or two when the rest leaves
    // fewer than 9 bytes for 0x80 and the length.
    let mut tail = [[0u8; 64]; 2];
    let flat = tail.as_flattened_mut();
    flat[..rest.len()].copy_from_slice(rest);
    flat[rest.len()] = 0x80;
    let blocks = if rest.len() < 56 { 1 } else { 2 };
    flat[blocks * 64 - 8..blocks * 64].copy_from_slice(&bits.to_be_bytes());
    compress256(&mut state, &tail[..blocks]);
    let mut out = [0u8; 32];
    for (o, w) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    out
}

/// The file under a server's data directory holding its ID hashing key.
pub const KEY_FILE: &str = "id-hash.key";

/// The deployment key for a server without `AUDITOR_ID_KEY`: read from `KEY_FILE` in its data
/// directory, or, on first start, created there with 32 random bytes and readable only by its
/// owner. Returns the key and, when it was just created, the path to tell the operator.
pub fn load_or_create_key(data_dir: &Path) -> Result<(Vec<u8>, Option<PathBuf>), String> {
    const READ: (&str, &str) = ("读取", "read");
    const CREATE: (&str, &str) = ("创建", "create");
    let path = data_dir.join(KEY_FILE);
    let fail = |(zh, en): (&str, &str), e: std::io::Error| {
        format!(
            "无法{zh}密钥文件 {0} / cannot {en} the key file {0}: {e}",
            path.display()
        )
    };
    match std::fs::read(&path) {
        Ok(key) if !key.is_empty() => return Ok((key, None)),
        Ok(_) => {
            return Err(format!(
                "密钥文件 {0} 为空 / the key file {0} is empty",
                path.display()
            ));
        }
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(fail(READ, e)),
        Err(_) => {}
    }
    std::fs::create_dir_all(data_dir).map_err(|e| fail(CREATE, e))?;
    let mut key = vec![0u8; 32];
    getrandom::fill(&mut key)
        .map_err(|e| format!("无法生成随机密钥 / cannot make a random key: {e}"))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&path).map_err(|e| fail(CREATE, e))?;
    file.write_all(&key)
        .and_then(|()| file.sync_all())
        .map_err(|e| fail(CREATE, e))?;
    Ok((key, Some(path)))
}

#[cfg(test)]
mod tests {
    use super::{IdHasher, load_or_create_key};

    #[test]
    fn a_server_key_is_created_once_owner_only_and_then_reused() {
        let dir = std::env::temp_dir().join(format!("auditor-key-{}", std::process::id()));
        let (key, created) = load_or_create_key(&dir).unwrap();
        assert_eq!(key.len(), 32);
        let path = created.expect("created on first start");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let (again, created) = load_or_create_key(&dir).unwrap();
        assert_eq!((again, created), (key, None));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn the_keyed_hash_is_hmac_sha256_for_any_key_and_length() {
        use hmac::{Hmac, KeyInit, Mac};
        for key_len in [1, 31, 32, 63, 64, 65, 200] {
            let key: Vec<u8> = (0..key_len).map(|i| (i * 7 + 3) as u8).collect();
            let ours = IdHasher::new(&key).unwrap();
            for len in [0, 1, 18, 55, 56, 63, 64, 65, 119, 120, 200] {
                let message: String = (0..len)
                    .map(|i| char::from(b'0' + (i % 10) as u8))
                    .collect();
                let mut theirs = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key).unwrap();
                theirs.update(message.as_bytes());
                let expected: [u8; 32] = theirs.finalize().into_bytes().into();
                assert_eq!(
                    ours.hash(&message),
                    expected,
                    "key {key_len}, message {len}"
                );
            }
        }
    }

    #[test]
    fn keyed_hash_depends_on_key_and_is_stable() {
        let a = IdHasher::new(b"key-a").unwrap();
        let b = IdHasher::new(b"key-b").unwrap();
        let id = "11010519491231002X";
        assert_eq!(a.hash(id), a.hash(id));
        assert_ne!(a.hash(id), b.hash(id));
        // RFC 4231-style check against an independent HMAC-SHA256 computation.
        assert_eq!(
            hex::encode(
                IdHasher::new(b"key")
                    .unwrap()
                    .hash("The quick brown fox jumps over the lazy dog")
            ),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }
}
