//! Translations of the pages: `web/i18n/zh.toml` (the default) and `web/i18n/en.toml`, flat
//! `key = "text"` tables compiled into the binary. The language is the `lang` cookie.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::auth::cookie;

pub const LANG_COOKIE: &str = "lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

const ZH_TOML: &str = include_str!("../../../../web/i18n/zh.toml");
const EN_TOML: &str = include_str!("../../../../web/i18n/en.toml");

fn parse(text: &str) -> HashMap<String, String> {
    // A broken file is caught by the tests below; at run time its keys show as themselves.
    toml::from_str::<HashMap<String, String>>(text).unwrap_or_default()
}

static ZH: LazyLock<HashMap<String, String>> = LazyLock::new(|| parse(ZH_TOML));
static EN: LazyLock<HashMap<String, String>> = LazyLock::new(|| parse(EN_TOML));

impl Lang {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "zh" | "zh-CN" => Some(Self::Zh),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Zh => "zh",
            Self::En => "en",
        }
    }

    /// The `lang` attribute of the page.
    pub fn html(self) -> &'static str {
        match self {
            Self::Zh => "zh-CN",
            Self::En => "en",
        }
    }

    #[must_use]
    pub fn other(self) -> Self {
        match self {
            Self::Zh => Self::En,
            Self::En => Self::Zh,
        }
    }

    /// The text of `key`; the key itself when a translation is missing, so a gap shows up on
    /// the page instead of failing it.
    pub fn t(self, key: &str) -> &str {
        let table: &'static HashMap<String, String> = match self {
            Self::Zh => &ZH,
            Self::En => &EN,
        };
        table.get(key).map_or(key, String::as_str)
    }

    /// Picks the text of this language from a (zh, en) pair kept with the data.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Self::Zh => zh,
            Self::En if en.is_empty() => zh,
            Self::En => en,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(cookie(&parts.headers, LANG_COOKIE)
            .and_then(Self::parse)
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let zh: HashMap<String, String> = toml::from_str(ZH_TOML).unwrap();
        let en: HashMap<String, String> = toml::from_str(EN_TOML).unwrap();
        let mut missing: Vec<_> = zh
            .keys()
            .filter(|k| !en.contains_key(*k))
            .chain(en.keys().filter(|k| !zh.contains_key(*k)))
            .collect();
        missing.sort();
        assert!(missing.is_empty(), "keys in one language only: {missing:?}");
        assert!(zh.values().chain(en.values()).all(|v| !v.trim().is_empty()));
    }

    /// Every `t("key")` in the templates and page code has a translation.
    #[test]
    fn every_key_used_is_translated() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut sources = Vec::new();
        for dir in ["web/templates", "crates/server/src/web"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                sources.push(std::fs::read_to_string(entry.unwrap().path()).unwrap());
            }
        }
        let mut missing = Vec::new();
        for text in &sources {
            for part in text.split("t(\"").skip(1) {
                let key = part.split('"').next().unwrap_or_default();
                if key.contains('.') && !ZH.contains_key(key) {
                    missing.push(key.to_owned());
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "untranslated keys: {missing:?}");
    }
}
