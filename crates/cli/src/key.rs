//! The key personal ID numbers are hashed under. `check` takes it from `AUDITOR_ID_KEY`; without
//! one it makes a random key for this run only, so hashes cannot be linked to any other run.

use auditor_ingest::IdHasher;

pub const ENV: &str = "AUDITOR_ID_KEY";

pub fn hasher_for_check() -> Result<IdHasher, String> {
    if let Ok(key) = std::env::var(ENV)
        && !key.trim().is_empty()
    {
        return IdHasher::new(key.trim().as_bytes());
    }
    let mut key = [0u8; 32];
    getrandom::fill(&mut key)
        .map_err(|e| format!("无法生成随机密钥 / cannot make a random key: {e}"))?;
    eprintln!(
        "提示：未设置 {ENV}，本次运行使用随机密钥，身份证号哈希不能与其他运行比对。\nnote: {ENV} is not set; this run hashes ID numbers under a random key, so id_hash values cannot be linked to other runs."
    );
    IdHasher::new(&key)
}
