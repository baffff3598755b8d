//! Rule packs (`rules/packs/*.toml`), compiled into the binary.

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    pub name: String,
    pub version: String,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("未知的规则包 \"{0}\"，可选：{1} / unknown rule pack \"{0}\", available: {1}")]
    Unknown(String, String),
    #[error("规则包 {0} 无法解析 / rule pack {0} is invalid: {1}")]
    Invalid(String, String),
}

const BUILTIN: [(&str, &str); 1] = [(
    "national",
    include_str!("../../../rules/packs/national.toml"),
)];

impl Pack {
    /// The built-in pack called `name`.
    pub fn builtin(name: &str) -> Result<Self, PackError> {
        let (file, text) = BUILTIN.iter().find(|(n, _)| *n == name).ok_or_else(|| {
            PackError::Unknown(
                name.to_owned(),
                BUILTIN
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })?;
        toml::from_str(text).map_err(|e| PackError::Invalid(format!("{file}.toml"), e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_pack_loads_and_unknown_is_named() {
        let p = Pack::builtin("national").unwrap();
        assert_eq!(
            (p.name.as_str(), p.version.as_str()),
            ("national", "2024.1")
        );
        let e = Pack::builtin("mars").unwrap_err().to_string();
        assert!(e.contains("mars") && e.contains("national"), "{e}");
    }
}
